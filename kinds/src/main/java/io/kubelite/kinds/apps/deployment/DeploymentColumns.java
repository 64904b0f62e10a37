package io.kubelite.kinds.apps.deployment;

import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kube's Deployment columns and cells ({@code deploymentColumnDefinitions}, {@code printDeployment}):
 * READY is {@code ready/desired}; UP-TO-DATE and AVAILABLE are numbers in columns kube declares as strings.
 */
final class DeploymentColumns {
    static final List<Column<Deployment>> COLUMNS = List.of(
            Cells.name(Deployment::getMetadata),
            Column.of(
                    "Ready",
                    "string",
                    "Number of the pod with ready state",
                    (d, now) -> d.getStatus().getReadyReplicas() + "/" + DeploymentStrategy.replicas(d)),
            Column.of(
                    "Up-to-date",
                    "string",
                    "Total number of non-terminated pods targeted by this deployment that have the desired template"
                            + " spec.",
                    (d, now) -> (long) d.getStatus().getUpdatedReplicas()),
            Column.of(
                    "Available",
                    "string",
                    "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                    (d, now) -> (long) d.getStatus().getAvailableReplicas()),
            Cells.age(Deployment::getMetadata),
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
                    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones"
                            + " affected by this deployment.",
                    (d, now) -> Cells.selector(d.getSpec().getSelector())));

    private DeploymentColumns() {}

    private static List<Container> containers(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainersList();
    }
}
