package io.kubelite.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges per-stream line lists (each oldest first) into one list ordered by timestamp, as
 * {@code kl logs -l} prints several pods' containers. Lines with equal timestamps keep the
 * order of the lists they came from (callers pass streams sorted by pod and container), so the
 * output is deterministic. Stateless.
 */
final class TimeMerge {
    private TimeMerge() {}

    static List<LokiLines.Line> merge(List<List<LokiLines.Line>> streams) {
        List<LokiLines.Line> all = new ArrayList<>();
        streams.forEach(all::addAll);
        // List.sort is stable: equal timestamps stay in stream order
        all.sort(Comparator.comparingLong(LokiLines.Line::ts));
        return all;
    }
}
