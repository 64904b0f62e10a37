package io.kubelite.kinds.apiextensions.customresourcedefinition;

import io.kubelite.api.CustomResourceColumnDefinition;
import io.kubelite.api.CustomResourceConversion;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionNames;
import io.kubelite.api.CustomResourceDefinitionSpec;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * kube's {@code ValidateCustomResourceDefinition} and {@code ValidateCustomResourceDefinitionUpdate}
 * (apiextensions-apiserver/pkg/apis/apiextensions/validation) with kube's paths and messages:
 * the name is {@code <plural>.<group>}; group, scope, names, versions (unique DNS-1035 names,
 * exactly one storage version, a schema for each), printer columns, conversion, and the
 * structural-schema rules of {@link StructuralSchema}. kubelite cannot call conversion webhooks,
 * so {@code Webhook} conversion is refused with a message that says so.
 */
final class CrdValidation {
    private static final List<String> SCOPES = List.of("Cluster", "Namespaced");
    private static final List<String> COLUMN_TYPES = List.of("boolean", "date", "integer", "number", "string");
    private static final List<String> COLUMN_FORMATS = List.of(
            "binary",
            "byte",
            "date",
            "date-time",
            "double",
            "email",
            "float",
            "hostname",
            "int32",
            "int64",
            "ipv4",
            "ipv6",
            "name",
            "password",
            "uri",
            "uuid");

    private CrdValidation() {}

    static void validate(CustomResourceDefinition crd, FieldErrors errs) {
        CustomResourceDefinitionSpec spec = crd.getSpec();
        String name = crd.getMetadata().getName();
        if (!name.isEmpty() && !name.equals(spec.getNames().getPlural() + "." + spec.getGroup())) {
            errs.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
        }
        group(spec.getGroup(), errs);
        if (spec.getScope().isEmpty()) {
            errs.required("spec.scope");
        } else if (!SCOPES.contains(spec.getScope())) {
            errs.notSupported("spec.scope", spec.getScope(), SCOPES);
        }
        versions(spec, errs);
        names(spec.getNames(), "spec.names", true, errs);
        conversion(spec.getConversion(), spec.getPreserveUnknownFields(), errs);
        if (spec.getPreserveUnknownFields()) {
            // kube refuses it for v1 CRDs unless it was already true (validatePreserveUnknownFields)
            errs.invalid(
                    "spec.preserveUnknownFields",
                    true,
                    "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead");
        }
        if (crd.getStatus().getStoredVersionsCount() == 0) {
            errs.invalid("status.storedVersions", "[]", "must have at least one stored version");
        }
    }

    static void validateUpdate(CustomResourceDefinition crd, CustomResourceDefinition old, FieldErrors errs) {
        CustomResourceDefinitionSpec spec = crd.getSpec();
        CustomResourceDefinitionSpec was = old.getSpec();
        if (CrdStatus.isTrue(old, "Established")) {
            immutable("spec.scope", spec.getScope(), was.getScope(), errs);
            immutable(
                    "spec.names.kind", spec.getNames().getKind(), was.getNames().getKind(), errs);
        }
        immutable("spec.group", spec.getGroup(), was.getGroup(), errs);
        immutable(
                "spec.names.plural", spec.getNames().getPlural(), was.getNames().getPlural(), errs);
        Set<String> versions = new HashSet<>();
        spec.getVersionsList().forEach(v -> versions.add(v.getName()));
        List<String> stored = crd.getStatus().getStoredVersionsList();
        for (int i = 0; i < stored.size(); i++) {
            String v = stored.get(i);
            if (!versions.contains(v)) {
                errs.invalid(
                        "status.storedVersions[" + i + "]",
                        v,
                        String.format(
                                "missing from spec.versions; %1$s was previously a storage version, and must remain in"
                                        + " spec.versions until a storage migration ensures no data remains persisted"
                                        + " in %1$s and removes %1$s from status.storedVersions",
                                v));
            }
        }
    }

    private static void immutable(String field, String now, String was, FieldErrors errs) {
        if (!now.equals(was)) {
            errs.invalid(field, now, "field is immutable");
        }
    }

    private static void group(String group, FieldErrors errs) {
        if (group.isEmpty()) {
            errs.required("spec.group");
            return;
        }
        String err = Names.dns1123SubdomainError(group);
        if (err != null) {
            errs.invalid("spec.group", group, err);
        } else if (!group.contains(".")) {
            errs.invalid("spec.group", group, "should be a domain with at least one dot");
        }
    }

    private static void versions(CustomResourceDefinitionSpec spec, FieldErrors errs) {
        List<CustomResourceDefinitionVersion> versions = spec.getVersionsList();
        if (versions.isEmpty()) {
            errs.required("spec.versions", "must have at least one version");
        }
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        int storage = 0;
        for (int i = 0; i < versions.size(); i++) {
            CustomResourceDefinitionVersion v = versions.get(i);
            String path = "spec.versions[" + i + "]";
            unique &= seen.add(v.getName());
            if (v.getStorage()) {
                storage++;
            }
            errs.invalidIf(path + ".name", v.getName(), Names.dns1035LabelError(v.getName()));
            if (!v.getDeprecated() && v.hasDeprecationWarning()) {
                errs.invalid(
                        path + ".deprecationWarning",
                        v.getDeprecationWarning(),
                        "can only be set for deprecated versions");
            }
            if (!v.hasSchema() || !v.getSchema().hasOpenApiv3Schema()) {
                errs.required(path + ".schema.openAPIV3Schema", "schemas are required");
            } else {
                StructuralSchema.validate(v.getSchema().getOpenApiv3Schema(), path + ".schema.openAPIV3Schema", errs);
                CelRules.compile(
                        SchemaValidator.tree(v.getSchema().getOpenApiv3Schema()),
                        path + ".schema.openAPIV3Schema",
                        errs);
            }
            if (v.getSubresources().hasScale()) {
                scale(v, path + ".subresources.scale", errs);
            }
            for (int c = 0; c < v.getAdditionalPrinterColumnsCount(); c++) {
                column(v.getAdditionalPrinterColumns(c), path + ".additionalPrinterColumns[" + c + "]", errs);
            }
        }
        if (!unique) {
            errs.invalidNoValue("spec.versions", "must contain unique version names");
        }
        if (!versions.isEmpty() && storage != 1) {
            errs.invalidNoValue("spec.versions", "must have exactly one version marked as storage version");
        }
    }

    private static void scale(CustomResourceDefinitionVersion v, String path, FieldErrors errs) {
        var s = v.getSubresources().getScale();
        if (!s.getSpecReplicasPath().startsWith(".spec")) {
            errs.invalid(path + ".specReplicasPath", s.getSpecReplicasPath(), "should be a json path under .spec");
        }
        if (!s.getStatusReplicasPath().startsWith(".status")) {
            errs.invalid(
                    path + ".statusReplicasPath", s.getStatusReplicasPath(), "should be a json path under .status");
        }
        if (s.hasLabelSelectorPath()
                && !s.getLabelSelectorPath().startsWith(".spec")
                && !s.getLabelSelectorPath().startsWith(".status")) {
            errs.invalid(
                    path + ".labelSelectorPath",
                    s.getLabelSelectorPath(),
                    "should be a json path under either .spec or .status");
        }
    }

    private static void column(CustomResourceColumnDefinition c, String path, FieldErrors errs) {
        if (c.getName().isEmpty()) {
            errs.required(path + ".name");
        }
        if (c.getType().isEmpty()) {
            errs.required(path + ".type", "must be one of " + String.join(", ", COLUMN_TYPES));
        } else if (!COLUMN_TYPES.contains(c.getType())) {
            errs.notSupported(path + ".type", c.getType(), COLUMN_TYPES);
        }
        if (!c.getFormat().isEmpty() && !COLUMN_FORMATS.contains(c.getFormat())) {
            errs.notSupported(path + ".format", c.getFormat(), COLUMN_FORMATS);
        }
        if (c.getPriority() < 0) {
            errs.invalid(path + ".priority", c.getPriority(), "must be greater than or equal to 0");
        }
        if (c.getJsonPath().isEmpty()) {
            errs.required(path + ".JSONPath");
        } else if (!c.getJsonPath().startsWith(".")) {
            errs.invalid(path + ".JSONPath", c.getJsonPath(), "must be a simple json path starting with .");
        }
    }

    private static void conversion(CustomResourceConversion conv, boolean preserve, FieldErrors errs) {
        String strategy = conv.getStrategy();
        if (strategy.isEmpty()) {
            errs.required("spec.conversion.strategy");
        } else if (strategy.equals("Webhook")) {
            errs.invalid(
                    "spec.conversion.strategy",
                    strategy,
                    "conversion webhooks are not supported by kubelite; use None");
        } else if (!strategy.equals("None")) {
            errs.notSupported("spec.conversion.strategy", strategy, List.of("None", "Webhook"));
        } else {
            if (conv.hasWebhook() && conv.getWebhook().hasClientConfig()) {
                errs.forbidden(
                        "spec.conversion.webhookClientConfig", "should not be set when strategy is not set to Webhook");
            }
            if (conv.getWebhook().getConversionReviewVersionsCount() > 0) {
                errs.forbidden(
                        "spec.conversion.conversionReviewVersions",
                        "should not be set when strategy is not set to Webhook");
            }
        }
    }

    /** kube's {@code ValidateCustomResourceDefinitionNames} plus the required checks of the spec's names. */
    static void names(CustomResourceDefinitionNames n, String path, boolean required, FieldErrors errs) {
        if (required) {
            for (String[] f : new String[][] {
                {"plural", n.getPlural()},
                {"singular", n.getSingular()},
                {"kind", n.getKind()},
                {"listKind", n.getListKind()}
            }) {
                if (f[1].isEmpty()) {
                    errs.required(path + "." + f[0]);
                }
            }
        }
        label(path + ".plural", n.getPlural(), errs);
        label(path + ".singular", n.getSingular(), errs);
        for (int i = 0; i < n.getShortNamesCount(); i++) {
            label(path + ".shortNames[" + i + "]", n.getShortNames(i), errs);
        }
        kindName(path + ".kind", n.getKind(), errs);
        kindName(path + ".listKind", n.getListKind(), errs);
        if (!n.getKind().isEmpty() && n.getKind().equals(n.getListKind())) {
            errs.invalid(
                    path + ".listKind",
                    n.getListKind(),
                    "kind and listKind may not be the same or parsing become ambiguous");
        }
        for (int i = 0; i < n.getCategoriesCount(); i++) {
            label(path + ".categories[" + i + "]", n.getCategories(i), errs);
        }
    }

    private static void label(String path, String v, FieldErrors errs) {
        if (!v.isEmpty()) {
            errs.invalidIf(path, v, Names.dns1035LabelError(v));
        }
    }

    private static void kindName(String path, String v, FieldErrors errs) {
        if (v.isEmpty()) {
            return;
        }
        String err = Names.dns1035LabelError(v.toLowerCase(Locale.ROOT));
        if (err != null) {
            errs.invalid(path, v, "may have mixed case, but should otherwise match: " + err);
        }
    }
}
