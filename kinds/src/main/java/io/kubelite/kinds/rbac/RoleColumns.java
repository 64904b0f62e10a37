package io.kubelite.kinds.rbac;

import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** kubectl's columns of Roles and ClusterRoles: NAME, CREATED AT (RFC 3339, UTC), as kube's printer. */
public final class RoleColumns {
    private RoleColumns() {}

    public static <T extends com.google.protobuf.Message> List<Column<T>> of(Function<T, ObjectMeta> meta) {
        return List.of(
                Cells.name(meta),
                Column.of(
                        "Created At",
                        "date",
                        Cells.CREATION_TIMESTAMP_DOC,
                        (o, now) -> Instant.ofEpochSecond(
                                        meta.apply(o).getCreationTimestamp().getSeconds())
                                .toString()));
    }
}
