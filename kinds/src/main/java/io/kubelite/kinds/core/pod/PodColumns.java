package io.kubelite.kinds.core.pod;

import io.kubelite.api.Pod;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;

/** kube's pod columns and cells ({@code podColumnDefinitions}, {@code printPod}). */
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
                    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
                    // podIPs[0]; kube's v1 conversion fills podIPs from a lone podIP, so it falls back to that
                    (p, now) -> p.getStatus().getPodIpsCount() > 0
                            ? Cells.orNone(p.getStatus().getPodIps(0).getIp())
                            : Cells.orNone(p.getStatus().getPodIp())),
            Column.wide(
                    "Node",
                    "string",
                    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
                            + "preemption or scheduling.",
                    (p, now) -> Cells.orNone(p.getSpec().getNodeName())),
            Column.wide(
                    "Nominated Node",
                    "string",
                    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be "
                            + "scheduled right away as preemption victims receive their graceful termination periods.",
                    (p, now) -> Cells.orNone(p.getStatus().getNominatedNodeName())),
            // kubelite's pods have no readiness gates: kube prints <none> for a pod without them
            Column.wide(
                    "Readiness Gates",
                    "string",
                    "If specified, all readiness gates will be evaluated for pod readiness.",
                    (p, now) -> "<none>"));

    private PodColumns() {}

    private static String ready(Pod p) {
        PodStatusReason s = PodStatusReason.summarize(p);
        return s.ready() + "/" + s.total();
    }

    private static String restarts(Pod p, Instant now) {
        PodStatusReason s = PodStatusReason.summarize(p);
        return s.restarts() != 0 && s.lastRestart() != null
                ? s.restarts() + " (" + Cells.age(s.lastRestart(), now) + " ago)"
                : Integer.toString(s.restarts());
    }
}
