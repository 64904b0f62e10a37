package io.kubelite.kinds.core.pod;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;

/** kubectl's pod columns ({@code printPod}). */
final class PodColumns {
    static final List<Column<Pod>> COLUMNS = List.of(
            Cells.name(Pod::getMetadata),
            Column.of(
                    "Ready",
                    "string",
                    "The aggregate readiness state of this pod for accepting traffic.",
                    (p, now) -> ready(p)),
            Column.of(
                    "Status",
                    "string",
                    "The aggregate status of the containers in this pod.",
                    (p, now) -> PodStatusReason.of(p)),
            Column.of(
                    "Restarts",
                    "string",
                    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
                    PodColumns::restarts),
            Cells.age(Pod::getMetadata),
            Column.wide(
                    "IP",
                    "string",
                    "IP address allocated to the pod. Routable at least within the cluster.",
                    (p, now) -> Cells.orNone(p.getStatus().getPodIp())),
            Column.wide(
                    "Node",
                    "string",
                    "Name of the Node this pod is scheduled on.",
                    (p, now) -> Cells.orNone(p.getSpec().getNodeName())),
            Column.wide(
                    "Nominated Node",
                    "string",
                    "Name of the Node this pod is nominated to, when it preempts others.",
                    (p, now) -> Cells.orNone(p.getStatus().getNominatedNodeName())),
            Column.wide("Readiness Gates", "string", "The pod's readiness gates.", (p, now) -> "<none>"));

    private PodColumns() {}

    private static String ready(Pod p) {
        long ready = p.getStatus().getContainerStatusesList().stream()
                .filter(ContainerStatus::getReady)
                .count();
        return ready + "/" + p.getSpec().getContainersCount();
    }

    private static String restarts(Pod p, Instant now) {
        int restarts = 0;
        Timestamp last = null;
        for (ContainerStatus c : p.getStatus().getContainerStatusesList()) {
            restarts += c.getRestartCount();
            if (c.getLastState().hasTerminated()) {
                Timestamp fin = c.getLastState().getTerminated().getFinishedAt();
                if (last == null || compare(fin, last) > 0) {
                    last = fin;
                }
            }
        }
        return restarts + (last != null && restarts > 0 ? " (" + Cells.age(last, now) + " ago)" : "");
    }

    private static int compare(Timestamp a, Timestamp b) {
        int c = Long.compare(a.getSeconds(), b.getSeconds());
        return c != 0 ? c : Integer.compare(a.getNanos(), b.getNanos());
    }
}
