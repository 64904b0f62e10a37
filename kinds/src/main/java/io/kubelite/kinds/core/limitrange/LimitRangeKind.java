package io.kubelite.kinds.core.limitrange;

import io.kubelite.api.LimitRange;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * LimitRanges ({@code v1}, namespaced, {@code limits}): per-namespace defaults and bounds of
 * containers', pods' and claims' resources, applied by the LimitRanger admission. kubectl's
 * columns: NAME, CREATED AT (RFC 3339, UTC).
 */
public final class LimitRangeKind {
    public static final Resource<LimitRange> RESOURCE = new Resource<>(
            "", "v1", "LimitRange", "limitranges", true, LimitRange.getDefaultInstance(), List.of("limits"));

    public static final Kind<LimitRange> KIND = Kind.of(RESOURCE)
            .strategy(new LimitRangeStrategy())
            .columns(List.of(
                    Cells.name(LimitRange::getMetadata),
                    Column.<LimitRange>of(
                            "Created At",
                            "date",
                            Cells.CREATION_TIMESTAMP_DOC,
                            (l, now) -> DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(
                                    l.getMetadata().getCreationTimestamp().getSeconds())))))
            .build();

    private LimitRangeKind() {}
}
