package io.kubelite.kinds.apps.statefulset;

import io.kubelite.api.Container;
import io.kubelite.api.StatefulSet;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/** kube's StatefulSet columns and cells ({@code statefulSetColumnDefinitions}, {@code printStatefulSet}). */
final class StatefulSetColumns {
    static final List<Column<StatefulSet>> COLUMNS = List.of(
            Cells.name(StatefulSet::getMetadata),
            Column.of(
                    "Ready",
                    "string",
                    "Number of the pod with ready state",
                    (s, now) -> s.getStatus().getReadyReplicas() + "/" + StatefulSetKind.replicas(s)),
            Cells.age(StatefulSet::getMetadata),
            Column.wide(
                    "Containers",
                    "string",
                    "Names of each container in the template.",
                    (s, now) -> containers(s).stream().map(Container::getName).collect(Collectors.joining(","))),
            Column.wide(
                    "Images",
                    "string",
                    "Images referenced by each container in the template.",
                    (s, now) -> containers(s).stream().map(Container::getImage).collect(Collectors.joining(","))));

    private StatefulSetColumns() {}

    private static List<Container> containers(StatefulSet s) {
        return s.getSpec().getTemplate().getSpec().getContainersList();
    }
}
