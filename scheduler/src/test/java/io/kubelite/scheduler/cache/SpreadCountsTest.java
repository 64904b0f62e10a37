package io.kubelite.scheduler.cache;

import static io.kubelite.scheduler.NodeAndPodBuilders.boundTo;
import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Pod;
import io.kubelite.api.labels.Selector;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cache's incrementally kept topology spread counts always equal a full recount over
 * its nodes, through random pod adds, updates, removals, assumes and forgets and node
 * relabels, removals and returns.
 */
class SpreadCountsTest {
    private static final Selector APP_A = Selector.ofMap(Map.of("app", "a"));

    /** What PodTopologySpread counted before: every node's matching pods, by domain. */
    private static Map<String, Integer> recount(
            SchedulerCache cache, String namespace, Selector sel, String topologyKey, Set<String> required) {
        return cache.withLock(() -> {
            Map<String, Integer> out = new HashMap<>();
            for (NodeInfo n : cache.nodeList()) {
                if (!n.labels().keySet().containsAll(required)) {
                    continue;
                }
                int m = 0;
                for (PodInfo p : n.pods()) {
                    if (!p.terminating() && p.namespace().equals(namespace) && sel.matches(p.labels())) {
                        m++;
                    }
                }
                out.merge(n.labels().get(topologyKey), m, Integer::sum);
            }
            return out;
        });
    }

    private static Map<String, String> nodeLabels(Random rnd) {
        Map<String, String> l = new HashMap<>();
        if (rnd.nextInt(5) > 0) {
            l.put("zone", "z" + rnd.nextInt(3));
        }
        if (rnd.nextInt(3) > 0) {
            l.put("rack", "r" + rnd.nextInt(2));
        }
        return l;
    }

    private static Pod randomPod(Random rnd, int i, String node) {
        Pod.Builder b = boundTo(pod("p" + i, Map.of("app", rnd.nextBoolean() ? "a" : "b"), null), node);
        if (rnd.nextInt(4) == 0) {
            b.getMetadataBuilder().setNamespace("other");
        }
        if (rnd.nextInt(6) == 0) {
            b.getMetadataBuilder().setDeletionTimestamp(Timestamp.newBuilder().setSeconds(1));
        }
        return b.build();
    }

    @Test
    void incrementalCountsAgreeWithAFullRecount() {
        Random rnd = new Random(21);
        SchedulerCache cache = new SchedulerCache();
        for (int i = 0; i < 12; i++) {
            cache.addOrUpdateNode(node("n" + i, nodeLabels(rnd)).build());
        }
        // ask before any pod exists, so the counts are kept from here on
        Set<String> zoneOnly = Set.of("zone");
        Set<String> zoneAndRack = Set.of("zone", "rack");
        cache.spreadCounts().counts("a@default", "default", APP_A, "zone", zoneOnly);
        cache.spreadCounts().counts("a@default", "default", APP_A, "rack", zoneAndRack);

        List<String> podKeys = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            String node = "n" + rnd.nextInt(14); // n12, n13: pods on nodes the cache has no Node for
            int op = rnd.nextInt(10);
            if (op < 3) {
                Pod p = randomPod(rnd, rnd.nextInt(200), node);
                cache.addPod(p);
                podKeys.add(new PodInfo(p).key());
            } else if (op < 5) {
                Pod p = randomPod(rnd, 200 + rnd.nextInt(200), node).toBuilder()
                        .setSpec(pod("x").build().getSpec())
                        .build();
                PodInfo info = new PodInfo(p);
                if (cache.assume(info, node)) {
                    podKeys.add(info.key());
                }
            } else if (op == 5 && !podKeys.isEmpty()) {
                cache.removePod(podKeys.remove(rnd.nextInt(podKeys.size())));
            } else if (op == 6 && !podKeys.isEmpty()) {
                cache.forget(podKeys.get(rnd.nextInt(podKeys.size())));
            } else if (op == 7) {
                cache.addOrUpdateNode(node(node, nodeLabels(rnd)).build());
            } else if (op == 8 && rnd.nextInt(4) == 0) {
                cache.removeNode(node);
            } else {
                // a heartbeat: same labels, new status
                NodeInfo n = cache.node(node);
                if (n != null && n.node() != null) {
                    cache.addOrUpdateNode(n.node().toBuilder()
                            .setStatus(n.node().getStatus().toBuilder().putAllocatable("pods", "" + step))
                            .build());
                }
            }
            assertThat(cache.spreadCounts().counts("a@default", "default", APP_A, "zone", zoneOnly))
                    .as("zone counts after step %d", step)
                    .isEqualTo(recount(cache, "default", APP_A, "zone", zoneOnly));
            assertThat(cache.spreadCounts().counts("a@default", "default", APP_A, "rack", zoneAndRack))
                    .as("rack counts (nodes with zone and rack) after step %d", step)
                    .isEqualTo(recount(cache, "default", APP_A, "rack", zoneAndRack));
        }
        // an index asked for late is built from the current state
        assertThat(cache.spreadCounts().counts("a@other", "other", APP_A, "zone", zoneOnly))
                .isEqualTo(recount(cache, "other", APP_A, "zone", zoneOnly));
    }
}
