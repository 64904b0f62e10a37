package io.kubelite.kinds.apiextensions.customresourcedefinition;

import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/**
 * CustomResourceDefinitions ({@code apiextensions.k8s.io/v1}, cluster-scoped) with their status
 * subresource. Each version's OpenAPI v3 schema is kept as the JSON the client sent (see
 * apiextensions.proto), checked by {@link CrdValidation} and {@link StructuralSchema}; the
 * strategy sets the status kube's establishing and naming controllers set ({@link CrdStatus}).
 * kube's table: NAME, CREATED AT.
 */
public final class CustomResourceDefinitionKind {
    public static final Resource<CustomResourceDefinition> RESOURCE = new Resource<>(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            false,
            CustomResourceDefinition.getDefaultInstance(),
            List.of("crd", "crds"));

    public static final Kind<CustomResourceDefinition> KIND = Kind.of(RESOURCE)
            .strategy(new CustomResourceDefinitionStrategy())
            .columns(List.of(
                    Cells.name(CustomResourceDefinition::getMetadata),
                    Column.of(
                            "Created At",
                            "date",
                            Cells.CREATION_TIMESTAMP_DOC,
                            (c, now) -> CrdStatus.rfc3339(c.getMetadata().getCreationTimestamp()))))
            .subresources(Subresource.status())
            .build();

    private CustomResourceDefinitionKind() {}
}
