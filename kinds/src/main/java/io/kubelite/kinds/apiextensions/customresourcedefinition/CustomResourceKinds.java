package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionNames;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * The kinds an established CustomResourceDefinition defines: one {@link Kind} of
 * {@link CustomObject} per served version, named by the CRD's accepted names and scope.
 * Objects are kept as the JSON the client sent beside typed metadata; the generic metadata
 * checks apply, then the version's schema ({@link SchemaValidator}: pruning, defaulting,
 * validation) and the status subresource. Not yet: the scale subresource, selectable fields. Tables: NAME, then the version's printer columns
 * ({@link PrinterColumns}), or NAME, AGE when it has none.
 */
public final class CustomResourceKinds {
    private CustomResourceKinds() {}

    /** The scale paths of a custom resource's kind, when its CRD version has the scale subresource. */
    public static java.util.Optional<CustomScale> scale(Kind<?> kind) {
        return kind.strategy() instanceof CustomStrategy s ? s.scale() : java.util.Optional.empty();
    }

    /**
     * The members of {@code object} (a whole custom object, as sent) that the version's schema
     * would prune: kube's unknown fields of a custom resource. None for a kind without a schema.
     */
    public static List<String> unknownFields(Kind<?> kind, com.fasterxml.jackson.databind.JsonNode object) {
        return kind.strategy() instanceof CustomStrategy s ? s.unknownFields(object) : List.of();
    }

    /** A custom kind's strategy, which also knows the version's scale paths and schema. */
    private abstract static class CustomStrategy implements Strategy<CustomObject> {
        abstract java.util.Optional<CustomScale> scale();

        abstract List<String> unknownFields(com.fasterxml.jackson.databind.JsonNode object);
    }

    private static Strategy<CustomObject> strategy(CustomResourceDefinitionVersion v) {
        boolean statusSub = v.getSubresources().hasStatus();
        SchemaValidator schema = v.hasSchema() && v.getSchema().hasOpenApiv3Schema()
                ? new SchemaValidator(v.getSchema().getOpenApiv3Schema())
                : null;
        // compile errors were the CRD's validation errors: a stored CRD has none to report here
        CelRules rules = schema == null
                ? null
                : CelRules.compile(SchemaValidator.tree(v.getSchema().getOpenApiv3Schema()), "", new FieldErrors());
        java.util.Optional<CustomScale> scale = v.getSubresources().hasScale()
                ? java.util.Optional.of(new CustomScale(v.getSubresources().getScale()))
                : java.util.Optional.empty();
        return new CustomStrategy() {
            @Override
            java.util.Optional<CustomScale> scale() {
                return scale;
            }

            @Override
            List<String> unknownFields(com.fasterxml.jackson.databind.JsonNode object) {
                return schema == null || !object.isObject() ? List.of() : schema.unknownFields(object);
            }

            @Override
            public CustomObject prepareForCreate(CustomObject obj) {
                // with a status subresource the status is the controllers': a create starts without
                return statusSub ? CustomObjects.withStatusOf(obj, CustomObject.getDefaultInstance()) : obj;
            }

            @Override
            public CustomObject prepareForUpdate(CustomObject obj, CustomObject old) {
                return statusSub ? CustomObjects.withStatusOf(obj, old) : obj;
            }

            @Override
            public CustomObject defaults(CustomObject obj) {
                if (schema == null) {
                    return obj;
                }
                ObjectNode tree = ApiJson.toTree(obj);
                schema.pruneAndDefault(tree);
                return ApiJson.parse(tree, CustomObject.getDefaultInstance()).message();
            }

            @Override
            public void validate(CustomObject obj, FieldErrors errs) {
                if (schema == null) {
                    return;
                }
                ObjectNode tree = ApiJson.toTree(obj);
                schema.validate(tree, errs);
                if (rules != null) {
                    rules.validate(tree, errs);
                }
            }

            @Override
            public void validateUpdate(CustomObject obj, CustomObject old, FieldErrors errs) {
                if (rules != null) {
                    rules.validateTransition(ApiJson.toTree(obj), ApiJson.toTree(old), errs);
                }
            }
        };
    }

    /**
     * The served versions' kinds, empty when the CRD is not established. A CRD being deleted is
     * still served (as kube does: its objects can be read, and their finalizers removed, while
     * they are deleted); only creates are refused then.
     */
    public static List<Kind<CustomObject>> of(CustomResourceDefinition crd) {
        if (!CrdStatus.isTrue(crd, "Established")) {
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
            List<Column<CustomObject>> columns = v.getAdditionalPrinterColumnsCount() == 0
                    ? List.of(Cells.name(CustomObject::getMetadata), Cells.age(CustomObject::getMetadata))
                    : PrinterColumns.of(v.getAdditionalPrinterColumnsList());
            Kind.Builder<CustomObject> kind = Kind.of(r);
            if (v.getSubresources().hasStatus()) {
                kind.subresources(Subresource.status());
            }
            if (v.getSubresources().hasScale()) {
                kind.subresources(
                        Subresource.of("scale", "get", "patch", "update").exchanging("autoscaling", "v1", "Scale"));
            }
            out.add(kind.strategy(strategy(v))
                    .columns(columns)
                    .categories(names.getCategoriesList().toArray(String[]::new))
                    .build());
        }
        return List.copyOf(out);
    }

    /**
     * The resource an established CRD's objects are stored under (its storage version), for
     * readers that only list and delete them; empty when the CRD serves nothing.
     */
    public static java.util.Optional<Resource<CustomObject>> storageResource(CustomResourceDefinition crd) {
        if (!CrdStatus.isTrue(crd, "Established")) {
            return java.util.Optional.empty();
        }
        CustomResourceDefinitionNames names = crd.getStatus().getAcceptedNames();
        return crd.getSpec().getVersionsList().stream()
                .filter(CustomResourceDefinitionVersion::getStorage)
                .findFirst()
                .filter(v -> !names.getPlural().isEmpty())
                .map(v -> new Resource<>(
                        crd.getSpec().getGroup(),
                        v.getName(),
                        names.getKind(),
                        names.getPlural(),
                        crd.getSpec().getScope().equals("Namespaced"),
                        CustomObject.getDefaultInstance(),
                        names.getShortNamesList()));
    }
}
