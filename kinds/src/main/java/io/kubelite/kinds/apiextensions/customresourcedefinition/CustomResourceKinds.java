package io.kubelite.kinds.apiextensions.customresourcedefinition;

import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionNames;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The kinds an established CustomResourceDefinition defines: one {@link Kind} of
 * {@link CustomObject} per served version, named by the CRD's accepted names and scope.
 * Objects are kept as the JSON the client sent beside typed metadata; the generic metadata
 * checks apply. Not yet: schema validation, pruning and defaulting, the status and scale
 * subresources, printer columns (the table is NAME, AGE), selectable fields.
 */
public final class CustomResourceKinds {
    private CustomResourceKinds() {}

    /** The served versions' kinds, empty when the CRD is not established or is being deleted. */
    public static List<Kind<CustomObject>> of(CustomResourceDefinition crd) {
        if (!CrdStatus.isTrue(crd, "Established") || crd.getMetadata().hasDeletionTimestamp()) {
            return List.of();
        }
        CustomResourceDefinitionNames names = crd.getStatus().getAcceptedNames();
        boolean namespaced = crd.getSpec().getScope().equals("Namespaced");
        List<Kind<CustomObject>> out = new ArrayList<>();
        for (CustomResourceDefinitionVersion v : crd.getSpec().getVersionsList()) {
            if (!v.getServed()) {
                continue;
            }
            Resource<CustomObject> r = new Resource<>(
                    crd.getSpec().getGroup(),
                    v.getName(),
                    names.getKind(),
                    names.getPlural(),
                    namespaced,
                    CustomObject.getDefaultInstance(),
                    names.getShortNamesList());
            out.add(Kind.of(r)
                    .strategy(new Strategy<>() {})
                    .categories(names.getCategoriesList().toArray(String[]::new))
                    .build());
        }
        return List.copyOf(out);
    }
}
