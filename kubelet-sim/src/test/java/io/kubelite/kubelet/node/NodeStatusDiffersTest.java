package io.kubelite.kubelet.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.clock.TimestampPrecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A node's status is written when what it holds differs from what the node would report in more
 * than heartbeat times, and only then: each change a user (or another writer) can make to a Node's
 * status is caught, and a status that only aged is left alone.
 */
class NodeStatusDiffersTest {
    private final AtomicLong now = new AtomicLong(1_796_560_000_123L);
    private final AtomicBoolean pressure = new AtomicBoolean();
    private final Timers timers = new Timers() {
        @Override
        public Cancellable after(long delayMillis, Runnable task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nowMillis() {
            return now.get();
        }
    };
    private final NodeTemplate template = new NodeTemplate(
            "n1",
            Map.of(),
            Map.of(),
            List.of(),
            Map.of("cpu", "4", "memory", "8Gi", "pods", "110"),
            Map.of("cpu", "3900m", "memory", "7Gi", "pods", "110"));

    private NodeStatusReporter reporter(TimestampPrecision precision) {
        return new NodeStatusReporter(template, "10.0.0.1", 10250, timers, precision, pressure::get);
    }

    /** The node as the reporter last wrote it, {@code ageMillis} ago. */
    private Node written(NodeStatusReporter r, long ageMillis) {
        now.addAndGet(-ageMillis);
        Node n = Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("n1"))
                .setStatus(r.desired(null))
                .build();
        now.addAndGet(ageMillis);
        return n;
    }

    private static Node withStatus(Node n, UnaryOperator<NodeStatus.Builder> change) {
        return n.toBuilder().setStatus(change.apply(n.getStatus().toBuilder())).build();
    }

    private static Node withCondition(Node n, int index, UnaryOperator<NodeCondition.Builder> change) {
        return withStatus(n, s -> s.setConditions(index, change.apply(s.getConditions(index).toBuilder())));
    }

    @Test
    void aStatusThatOnlyAgedIsNotWrittenAgain() {
        for (TimestampPrecision precision : TimestampPrecision.values()) {
            NodeStatusReporter r = reporter(precision);
            Node n = written(r, 60_000);
            assertThat(r.differs(n)).as("%s: a minute-old status", precision).isFalse();
            Node otherBoot = withStatus(n, s -> {
                s.getNodeInfoBuilder().setBootId("boot-of-an-earlier-process");
                return s;
            });
            assertThat(r.differs(otherBoot))
                    .as("%s: the boot id an earlier process wrote is kept, not a difference", precision)
                    .isFalse();
        }
    }

    @Test
    void everyChangeToTheStatusIsWrittenOver() {
        NodeStatusReporter r = reporter(TimestampPrecision.SECONDS);
        Node n = written(r, 30_000);
        Map<String, Node> changed = new LinkedHashMap<>();
        changed.put("no status", n.toBuilder().clearStatus().build());
        changed.put("a phase", withStatus(n, s -> s.setPhase("Running")));
        changed.put("capacity", withStatus(n, s -> s.putCapacity("cpu", "8")));
        changed.put("allocatable dropped", withStatus(n, s -> s.removeAllocatable("pods")));
        changed.put(
                "Ready set Unknown (the node controller)",
                withCondition(n, 3, c -> c.setStatus("Unknown").setReason("NodeStatusUnknown")));
        changed.put("a condition's message", withCondition(n, 0, c -> c.setMessage("edited")));
        changed.put("a transition time dropped", withCondition(n, 1, NodeCondition.Builder::clearLastTransitionTime));
        changed.put(
                "a transition time finer than the node writes",
                withCondition(
                        n,
                        1,
                        c -> c.setLastTransitionTime(Timestamp.newBuilder()
                                .setSeconds(c.getLastTransitionTime().getSeconds())
                                .setNanos(5_000_000))));
        changed.put("a condition missing", withStatus(n, s -> s.removeConditions(2)));
        changed.put("conditions reordered", withStatus(n, s -> {
            List<NodeCondition> cs = new ArrayList<>(s.getConditionsList());
            cs.add(cs.remove(0));
            return s.clearConditions().addAllConditions(cs);
        }));
        changed.put(
                "an address",
                withStatus(
                        n,
                        s -> s.addAddresses(
                                NodeAddress.newBuilder().setType("ExternalIP").setAddress("192.0.2.1"))));
        changed.put("daemon endpoints dropped", withStatus(n, NodeStatus.Builder::clearDaemonEndpoints));
        changed.put("node info dropped", withStatus(n, NodeStatus.Builder::clearNodeInfo));
        changed.put("another machine's node info", withStatus(n, s -> {
            s.getNodeInfoBuilder().setSystemUuid("00000000-0000-0000-0000-000000000000");
            return s;
        }));
        changed.put("another kubelet version", withStatus(n, s -> {
            s.getNodeInfoBuilder().setKubeletVersion("v1.0.0");
            return s;
        }));
        changed.forEach((what, node) -> assertThat(r.differs(node)).as(what).isTrue());
        assertThat(r.differs(null)).as("no node yet").isTrue();
    }

    @Test
    void memoryPressureComingAndGoingIsAChange() {
        NodeStatusReporter r = reporter(TimestampPrecision.SECONDS);
        Node calm = written(r, 10_000);
        pressure.set(true);
        assertThat(r.differs(calm)).as("pressure began").isTrue();
        Node pressed = written(r, 10_000);
        assertThat(r.differs(pressed)).as("pressure still on").isFalse();
        pressure.set(false);
        assertThat(r.differs(pressed)).as("pressure ended").isTrue();
    }
}
