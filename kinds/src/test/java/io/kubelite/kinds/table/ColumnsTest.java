package io.kubelite.kinds.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.api.Event;
import io.kubelite.api.EventSource;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Secret;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.secret.SecretKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Kinds' cells as kube's printers fill them: pure functions, no server. */
class ColumnsTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Timestamp TEN_MIN_AGO =
            Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 600).build();

    private static ObjectMeta meta(String name) {
        return ObjectMeta.newBuilder()
                .setName(name)
                .setNamespace("default")
                .setCreationTimestamp(TEN_MIN_AGO)
                .build();
    }

    @Test
    void nodeStatusRolesAndWideColumns() {
        Node n = Node.newBuilder()
                .setMetadata(meta("n1").toBuilder()
                        .clearNamespace()
                        .putLabels("node-role.kubernetes.io/control-plane", "")
                        .putLabels("kubernetes.io/role", "worker")
                        .putLabels("node-role.kubernetes.io/", "ignored"))
                .setSpec(NodeSpec.newBuilder().setUnschedulable(true))
                .setStatus(NodeStatus.newBuilder()
                        .addConditions(
                                NodeCondition.newBuilder().setType("Ready").setStatus("False")))
                .build();
        assertThat(NodeKind.KIND.cells(n, NOW))
                .containsExactly(
                        "n1",
                        "NotReady,SchedulingDisabled",
                        "control-plane,worker",
                        "10m",
                        "",
                        "<none>",
                        "<none>",
                        "<unknown>",
                        "<unknown>",
                        "<unknown>");
        Node noConditions = n.toBuilder()
                .setSpec(NodeSpec.getDefaultInstance())
                .clearStatus()
                .build();
        assertThat(NodeKind.KIND.row(noConditions, NOW, false).get(1)).isEqualTo("Unknown");
    }

    @Test
    void endpointsListThreeAndCountTheRestPortByPort() {
        EndpointSubset.Builder s = EndpointSubset.newBuilder()
                .addPorts(EndpointPort.newBuilder().setPort(80))
                .addPorts(EndpointPort.newBuilder().setPort(443));
        for (String ip : new String[] {"10.0.0.1", "10.0.0.2", "fd00::3"}) {
            s.addAddresses(EndpointAddress.newBuilder().setIp(ip));
        }
        Endpoints e =
                Endpoints.newBuilder().setMetadata(meta("svc")).addSubsets(s).build();
        assertThat(EndpointsKind.KIND.cells(e, NOW).get(1))
                .isEqualTo("10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 3 more...");
        Endpoints none = Endpoints.newBuilder().setMetadata(meta("svc")).build();
        assertThat(EndpointsKind.KIND.cells(none, NOW).get(1)).isEqualTo("<none>");
    }

    @Test
    void eventCellsDefaultAndWideWithNumbersWhereKubeHasThem() {
        Event e = Event.newBuilder()
                .setMetadata(meta("web.1"))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setName("web")
                        .setFieldPath("spec.containers{c}"))
                .setReason("Pulled")
                .setType("Normal")
                .setMessage("  pulled  \n")
                .setSource(EventSource.newBuilder().setComponent("kubelet").setHost("node-1"))
                .setEventTime(TEN_MIN_AGO)
                .build();
        assertThat(EventKind.KIND.cells(e, NOW))
                .containsExactly(
                        "10m",
                        "Normal",
                        "Pulled",
                        "pod/web",
                        "spec.containers{c}",
                        "kubelet, node-1",
                        "pulled",
                        "10m",
                        1L,
                        "web.1");
        assertThat(EventKind.KIND.row(e, NOW, false)).containsExactly("10m", "Normal", "Pulled", "pod/web", "pulled");
    }

    @Test
    void countsAreNumbersInStringColumns() {
        Secret s = Secret.newBuilder()
                .setMetadata(meta("s"))
                .setType("Opaque")
                .putData("a", com.google.protobuf.ByteString.copyFromUtf8("x"))
                .build();
        assertThat(SecretKind.KIND.cells(s, NOW)).containsExactly("s", "Opaque", 1L, "10m");
        assertThat(SecretKind.KIND.columns().get(2).type()).isEqualTo("string");
        assertThat(SecretKind.KIND.row(s, NOW, false)).containsExactly("s", "Opaque", "1", "10m");
    }

    @Test
    void labelSelectorsPrintSortedByKeyAsKube() {
        LabelSelector sel = LabelSelector.newBuilder()
                .putMatchLabels("b", "2")
                .putMatchLabels("a", "1")
                .addMatchExpressions(LabelSelectorRequirement.newBuilder()
                        .setKey("aa")
                        .setOperator("In")
                        .addValues("y")
                        .addValues("x"))
                .addMatchExpressions(
                        LabelSelectorRequirement.newBuilder().setKey("c").setOperator("DoesNotExist"))
                .build();
        assertThat(Cells.selector(sel)).isEqualTo("a=1,aa in (x,y),b=2,!c");
        assertThat(Cells.selector(LabelSelector.getDefaultInstance())).isEqualTo("<none>");
    }
}
