package io.kubelite.bench.dashboard;

import io.kubelite.bench.common.Percentiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches each acknowledged write with the first time the page showed its node's new pod count
 * (after the page showed that node's previous change): lag = shown - acknowledged, in wall-clock
 * milliseconds (both clocks are this machine's). A change the page never showed is missed.
 */
record LagReport(Percentiles lag, int matched, int missed) {
    static LagReport of(List<PodChurn.Change> changes, List<OverviewProbe.Seen> seen) {
        Map<String, List<OverviewProbe.Seen>> byNode = new HashMap<>();
        for (OverviewProbe.Seen s : seen) {
            byNode.computeIfAbsent(s.node(), n -> new ArrayList<>()).add(s);
        }
        byNode.values().forEach(l -> l.sort(Comparator.comparingLong(OverviewProbe.Seen::atMillis)));
        Map<String, Integer> cursor = new HashMap<>();
        List<PodChurn.Change> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparingLong(PodChurn.Change::writtenAtMillis));
        List<Long> lags = new ArrayList<>();
        int missed = 0;
        for (PodChurn.Change c : ordered) {
            List<OverviewProbe.Seen> list = byNode.getOrDefault(c.node(), List.of());
            int i = cursor.getOrDefault(c.node(), 0);
            while (i < list.size() && list.get(i).pods() != c.expectedPods()) {
                i++;
            }
            if (i == list.size()) {
                missed++;
                continue;
            }
            lags.add(Math.max(0, list.get(i).atMillis() - c.writtenAtMillis()) * 1_000_000L);
            cursor.put(c.node(), i + 1);
        }
        return new LagReport(
                Percentiles.of(lags.stream().mapToLong(Long::longValue).toArray()), lags.size(), missed);
    }
}
