package io.kubelite.kinds.apps.replicaset;

import io.kubelite.api.Container;
import io.kubelite.api.ReplicaSet;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/** kube's ReplicaSet columns and cells ({@code replicaSetColumnDefinitions}, {@code printReplicaSet}): counts are numbers. */
final class ReplicaSetColumns {
    static final List<Column<ReplicaSet>> COLUMNS = List.of(
            Cells.name(ReplicaSet::getMetadata),
            Column.of("Desired", "integer", "Number of desired pods.", (rs, now) ->
                    (long) (rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1)),
            Column.of("Current", "integer", "Number of actual replicas.", (rs, now) ->
                    (long) rs.getStatus().getReplicas()),
            Column.of("Ready", "integer", "Number of ready replicas.", (rs, now) ->
                    (long) rs.getStatus().getReadyReplicas()),
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
                    (rs, now) -> Cells.selector(rs.getSpec().getSelector())));

    private ReplicaSetColumns() {}

    private static List<Container> containers(ReplicaSet rs) {
        return rs.getSpec().getTemplate().getSpec().getContainersList();
    }
}
