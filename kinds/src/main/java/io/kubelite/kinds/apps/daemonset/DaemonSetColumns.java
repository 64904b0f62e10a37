package io.kubelite.kinds.apps.daemonset;

import io.kubelite.api.Container;
import io.kubelite.api.DaemonSet;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kube's DaemonSet columns and cells ({@code daemonSetColumnDefinitions}, {@code printDaemonSet}):
 * DESIRED, CURRENT, READY, UP-TO-DATE and AVAILABLE are the status counts; NODE SELECTOR is the pod
 * template's {@code nodeSelector}.
 */
final class DaemonSetColumns {
    static final List<Column<DaemonSet>> COLUMNS = List.of(
            Cells.name(DaemonSet::getMetadata),
            Column.of(
                    "Desired",
                    "integer",
                    "The total number of nodes that should be running the daemon pod (including nodes correctly"
                            + " running the daemon pod).",
                    (d, now) -> (long) d.getStatus().getDesiredNumberScheduled()),
            Column.of(
                    "Current",
                    "integer",
                    "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon"
                            + " pod.",
                    (d, now) -> (long) d.getStatus().getCurrentNumberScheduled()),
            Column.of(
                    "Ready",
                    "integer",
                    "numberReady is the number of nodes that should be running the daemon pod and have one or more"
                            + " of the daemon pod running with a Ready Condition.",
                    (d, now) -> (long) d.getStatus().getNumberReady()),
            Column.of(
                    "Up-to-date",
                    "integer",
                    "The total number of nodes that are running updated daemon pod",
                    (d, now) -> (long) d.getStatus().getUpdatedNumberScheduled()),
            Column.of(
                    "Available",
                    "integer",
                    "The number of nodes that should be running the daemon pod and have one or more of the daemon"
                            + " pod running and available (ready for at least spec.minReadySeconds)",
                    (d, now) -> (long) d.getStatus().getNumberAvailable()),
            Column.of(
                    "Node Selector",
                    "string",
                    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must"
                            + " match a node's labels for the pod to be scheduled on that node. More info:"
                            + " https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
                    (d, now) ->
                            Cells.selector(d.getSpec().getTemplate().getSpec().getNodeSelectorMap())),
            Cells.age(DaemonSet::getMetadata),
            Column.wide(
                    "Containers",
                    "string",
                    "Names of each container in the template.",
                    (d, now) -> containers(d).stream().map(Container::getName).collect(Collectors.joining(","))),
            Column.wide(
                    "Images",
                    "string",
                    "Images referenced by each container in the template.",
                    (d, now) -> containers(d).stream().map(Container::getImage).collect(Collectors.joining(","))),
            Column.wide(
                    "Selector",
                    "string",
                    "A label query over pods that are managed by the daemon set.",
                    (d, now) -> Cells.selector(d.getSpec().getSelector())));

    private DaemonSetColumns() {}

    private static List<Container> containers(DaemonSet d) {
        return d.getSpec().getTemplate().getSpec().getContainersList();
    }
}
