package io.kubelite.kinds.apps.replicaset;

import io.kubelite.api.Container;
import io.kubelite.api.ReplicaSet;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/** kubectl's ReplicaSet columns ({@code printReplicaSet}). */
final class ReplicaSetColumns {
    static final List<Column<ReplicaSet>> COLUMNS = List.of(
            Cells.name(ReplicaSet::getMetadata),
            Column.of(
                    "Desired",
                    "integer",
                    "Number of desired pods.",
                    (rs, now) -> Integer.toString(
                            rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1)),
            Column.of(
                    "Current",
                    "integer",
                    "Number of actual replicas.",
                    (rs, now) -> Integer.toString(rs.getStatus().getReplicas())),
            Column.of(
                    "Ready",
                    "integer",
                    "Number of ready replicas.",
                    (rs, now) -> Integer.toString(rs.getStatus().getReadyReplicas())),
            Cells.age(ReplicaSet::getMetadata),
            Column.wide(
                    "Containers",
                    "string",
                    "Names of each container in the template.",
                    (rs, now) -> containers(rs).stream().map(Container::getName).collect(Collectors.joining(","))),
            Column.wide(
                    "Images",
                    "string",
                    "Images referenced by each container in the template.",
                    (rs, now) ->
                            containers(rs).stream().map(Container::getImage).collect(Collectors.joining(","))),
            Column.wide(
                    "Selector",
                    "string",
                    "Selector is a label query over pods that should match the replica count.",
                    (rs, now) -> Cells.selector(rs.getSpec().getSelector().getMatchLabelsMap())));

    private ReplicaSetColumns() {}

    private static List<Container> containers(ReplicaSet rs) {
        return rs.getSpec().getTemplate().getSpec().getContainersList();
    }
}
