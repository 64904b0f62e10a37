package io.kubelite.kinds.core.configmap;

import io.kubelite.api.ConfigMap;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/** ConfigMaps ({@code v1}, namespaced): config-key syntax, disjoint data and binaryData, 1 MiB, {@code immutable}. */
public final class ConfigMapKind {
    public static final Resource<ConfigMap> RESOURCE =
            new Resource<>("", "v1", "ConfigMap", "configmaps", true, ConfigMap.getDefaultInstance(), List.of("cm"));

    public static final Kind<ConfigMap> KIND = Kind.of(RESOURCE)
            .strategy(new ConfigMapStrategy())
            .columns(List.of(
                    Cells.name(ConfigMap::getMetadata),
                    Column.of(
                            "Data",
                            "string",
                            "Data contains the configuration data. Each key must consist of alphanumeric characters,"
                                    + " '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData"
                                    + " field. The keys stored in Data must not overlap with the keys in the"
                                    + " BinaryData field, this is enforced during validation process.",
                            (c, now) -> Integer.toString(c.getDataCount() + c.getBinaryDataCount())),
                    Cells.age(ConfigMap::getMetadata)))
            .build();

    private ConfigMapKind() {}
}
