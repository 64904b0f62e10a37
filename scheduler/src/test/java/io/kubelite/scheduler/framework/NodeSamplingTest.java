package io.kubelite.scheduler.framework;

import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * kube's percentageOfNodesToScore and the rotating start: how many feasible nodes a cycle
 * looks for, and that successive pods sample the whole cluster, sequentially and in parallel.
 */
class NodeSamplingTest {
    /** Counts filter calls per node; rejects the nodes whose number is odd when asked to. */
    private static final class CountingFilter implements FilterPlugin {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final boolean rejectOdd;

        CountingFilter(boolean rejectOdd) {
            this.rejectOdd = rejectOdd;
        }

        @Override
        public String name() {
            return "Counting";
        }

        @Override
        public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
            calls.computeIfAbsent(node.name(), k -> new AtomicInteger()).incrementAndGet();
            int i = Integer.parseInt(node.name().substring(1));
            return rejectOdd && i % 2 == 1 ? Status.unschedulable(name(), "odd") : Status.SUCCESS;
        }
    }

    private static List<NodeInfo> nodes(int n) {
        List<NodeInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(NodeInfo.of(node(String.format("n%05d", i)).build()));
        }
        return out;
    }

    @Test
    void adaptivePercentageIsKubes() {
        Framework adaptive = new Framework(0);
        assertThat(adaptive.numFeasibleNodesToFind(50))
                .as("below 100 nodes: all")
                .isEqualTo(50);
        assertThat(adaptive.numFeasibleNodesToFind(150)).as("at least 100").isEqualTo(100);
        assertThat(adaptive.numFeasibleNodesToFind(1000)).as("50% - 8%").isEqualTo(420);
        assertThat(adaptive.numFeasibleNodesToFind(2000)).as("50% - 16%").isEqualTo(680);
        assertThat(adaptive.numFeasibleNodesToFind(5000)).as("50% - 40%").isEqualTo(500);
        assertThat(adaptive.numFeasibleNodesToFind(10000)).as("floored at 5%").isEqualTo(500);
        assertThat(new Framework(10).numFeasibleNodesToFind(5000)).isEqualTo(500);
        assertThat(new Framework(10).numFeasibleNodesToFind(500))
                .as("at least 100")
                .isEqualTo(100);
        assertThat(new Framework(100).numFeasibleNodesToFind(5000)).isEqualTo(5000);
    }

    @Test
    void sequentialCyclesRotateOverEveryNodeOnce() {
        CountingFilter counting = new CountingFilter(false);
        Framework f = new Framework(10).filter(counting);
        List<NodeInfo> nodes = nodes(1000);
        for (int i = 0; i < 10; i++) {
            Framework.Result r = f.schedule(new PodInfo(pod("p" + i).build()), nodes);
            assertThat(r.feasibleNodes()).isEqualTo(100);
            assertThat(r.evaluatedNodes()).isEqualTo(100);
        }
        // 10 cycles of 100 from where the last one stopped: each node filtered exactly once
        assertThat(counting.calls).hasSize(1000);
        assertThat(counting.calls.values()).allMatch(c -> c.get() == 1);
    }

    @Test
    void parallelCyclesFindExactlyTheWantedFeasibleNodesAndMoveOn() {
        CountingFilter counting = new CountingFilter(true);
        try (Parallelizer p = Parallelizer.of(4)) {
            Framework f = new Framework(10).filter(counting).parallelizer(p);
            List<NodeInfo> nodes = nodes(1000);
            Set<String> chosen = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                Framework.Result r = f.schedule(new PodInfo(pod("p" + i).build()), nodes);
                assertThat(r.feasibleNodes()).as("feasible nodes found").isEqualTo(100);
                assertThat(r.evaluatedNodes()).as("nodes evaluated").isBetween(100, 1000);
                assertThat(Integer.parseInt(r.nodeName().substring(1)) % 2)
                        .as("chosen node passes the filter")
                        .isZero();
                chosen.add(r.nodeName());
            }
            // ~200 nodes per cycle from a start that moves on: 30 cycles sweep the cluster
            // several times (chunks cut short by the early stop may be skipped in one sweep)
            assertThat(counting.calls.size()).as("nodes filtered at least once").isGreaterThan(950);
            assertThat(chosen.size()).as("distinct nodes chosen").isGreaterThan(25);
        }
    }

    @Test
    void parallelRejectionIsReportedPerNode() {
        try (Parallelizer p = Parallelizer.of(3)) {
            Framework f = new Framework(0).filter(new FilterPlugin() {
                @Override
                public String name() {
                    return "No";
                }

                @Override
                public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
                    return Status.unschedulable(name(), "no");
                }
            });
            f.parallelizer(p);
            Framework.Result r = f.schedule(new PodInfo(pod("p").build()), nodes(500));
            assertThat(r.scheduled()).isFalse();
            assertThat(r.evaluatedNodes()).isEqualTo(500);
            assertThat(r.fitError().unschedulablePlugins()).containsExactly("No");
            assertThat(r.fitError().message()).isEqualTo("0/500 nodes are available: 500 no.");
        }
    }
}
