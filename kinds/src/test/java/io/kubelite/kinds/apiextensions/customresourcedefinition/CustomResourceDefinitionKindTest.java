package io.kubelite.kinds.apiextensions.customresourcedefinition;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionCondition;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The CustomResourceDefinition kind's strategy as pure functions: kube's defaulting, validation and status. */
class CustomResourceDefinitionKindTest {
    /** kubernetes.io's CronTab example (tasks/extend-kubernetes/custom-resources/custom-resource-definitions). */
    static final String CRONTAB = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: crontabs.stable.example.com
            spec:
              group: stable.example.com
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            cronSpec:
                              type: string
                              pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                            image:
                              type: string
                            replicas:
                              type: integer
                              minimum: 1
                              maximum: 10
                              x-kubernetes-int-or-string: false
                  additionalPrinterColumns:
                    - name: Spec
                      type: string
                      description: The cron spec defining the interval a CronJob is run
                      jsonPath: .spec.cronSpec
              scope: Namespaced
              names:
                plural: crontabs
                singular: crontab
                kind: CronTab
                shortNames:
                - ct
            """;

    private static final Kind<CustomResourceDefinition> KIND = CustomResourceDefinitionKind.KIND;

    private static CustomResourceDefinition crontab() {
        return ApiJson.parse(CRONTAB, CustomResourceDefinition.getDefaultInstance())
                .message();
    }

    private static CustomResourceDefinition created(CustomResourceDefinition in) {
        return KIND.strategy().prepareForCreate(KIND.strategy().defaults(in));
    }

    private static List<String> createErrors(UnaryOperator<CustomResourceDefinition.Builder> edit) {
        CustomResourceDefinition crd = created(edit.apply(crontab().toBuilder()).build());
        return KIND.validateCreate(crd).stream()
                .map(CustomResourceDefinitionKindTest::text)
                .toList();
    }

    private static String text(FieldError e) {
        return e.field() + ": " + e.message();
    }

    @Test
    void isClusterScopedInApiextensionsAndFoundByShortName() {
        assertThat(Kinds.find("crd")).contains(CustomResourceDefinitionKind.RESOURCE);
        assertThat(Kinds.byKind("apiextensions.k8s.io/v1", "CustomResourceDefinition"))
                .contains(CustomResourceDefinitionKind.RESOURCE);
        assertThat(CustomResourceDefinitionKind.RESOURCE.namespaced()).isFalse();
    }

    @Test
    void theSchemaRoundTripsAsSentWithEveryExtension() {
        CustomResourceDefinition crd = crontab();
        var replicas = crd.getSpec()
                .getVersions(0)
                .getSchema()
                .getOpenApiv3Schema()
                .getFieldsOrThrow("properties")
                .getStructValue()
                .getFieldsOrThrow("spec")
                .getStructValue()
                .getFieldsOrThrow("properties")
                .getStructValue()
                .getFieldsOrThrow("replicas")
                .getStructValue();
        assertThat(replicas.getFieldsOrThrow("x-kubernetes-int-or-string").getBoolValue())
                .isFalse();
        assertThat(replicas.getFieldsOrThrow("maximum").getNumberValue()).isEqualTo(10);
        String json = ApiJson.toJson(crd);
        assertThat(json)
                .contains("\"openAPIV3Schema\":{")
                .contains("\"maximum\":10")
                .contains("x-kubernetes-int-or-string");
        assertThat(ApiJson.parse(json, CustomResourceDefinition.getDefaultInstance())
                        .message())
                .isEqualTo(crd);
    }

    @Test
    void createDefaultsNamesAndConversionAndEstablishes() {
        CustomResourceDefinition crd = created(crontab());
        assertThat(KIND.validateCreate(crd)).isEmpty();
        assertThat(crd.getSpec().getNames().getListKind()).isEqualTo("CronTabList");
        assertThat(crd.getSpec().getConversion().getStrategy()).isEqualTo("None");
        assertThat(crd.getStatus().getStoredVersionsList()).containsExactly("v1");
        assertThat(crd.getStatus().getAcceptedNames()).isEqualTo(crd.getSpec().getNames());
        assertThat(crd.getStatus().getConditionsList())
                .extracting(
                        CustomResourceDefinitionCondition::getType,
                        CustomResourceDefinitionCondition::getStatus,
                        CustomResourceDefinitionCondition::getReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("NamesAccepted", "True", "NoConflicts"),
                        org.assertj.core.groups.Tuple.tuple("Established", "True", "InitialNamesAccepted"));
    }

    @Test
    void anUpdateKeepsTheStoredStatusAndAddsANewStorageVersion() {
        CustomResourceDefinition old = created(crontab());
        CustomResourceDefinition.Builder b = old.toBuilder().clearStatus();
        b.getSpecBuilder().getVersionsBuilder(0).setStorage(false);
        b.getSpecBuilder()
                .addVersions(
                        old.getSpec().getVersions(0).toBuilder().setName("v2").setStorage(true));
        CustomResourceDefinition next = KIND.strategy().defaults(KIND.strategy().prepareForUpdate(b.build(), old));
        assertThat(next.getStatus().getStoredVersionsList()).containsExactly("v1", "v2");
        assertThat(next.getStatus().getConditions(1).getLastTransitionTime())
                .isEqualTo(old.getStatus().getConditions(1).getLastTransitionTime());
        assertThat(KIND.validateUpdate(next, old)).isEmpty();

        CustomResourceDefinition.Builder dropV1 = next.toBuilder();
        dropV1.getSpecBuilder().removeVersions(0);
        assertThat(KIND.validateUpdate(KIND.strategy().prepareForUpdate(dropV1.build(), next), next))
                .extracting(CustomResourceDefinitionKindTest::text)
                .anyMatch(e ->
                        e.startsWith("status.storedVersions[0]: Invalid value: \"v1\": missing from spec.versions"));

        CustomResourceDefinition.Builder rescope = next.toBuilder();
        rescope.getSpecBuilder().setScope("Cluster").getNamesBuilder().setPlural("tabs");
        assertThat(KIND.validateUpdate(KIND.strategy().prepareForUpdate(rescope.build(), next), next))
                .extracting(CustomResourceDefinitionKindTest::text)
                .contains(
                        "spec.scope: Invalid value: \"Cluster\": field is immutable",
                        "spec.names.plural: Invalid value: \"tabs\": field is immutable");
    }

    @Test
    void badNamesAndVersionsGetKubesMessages() {
        assertThat(createErrors(b -> {
                    b.getMetadataBuilder().setName("crontab.stable.example.com");
                    return b;
                }))
                .contains(
                        "metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group");
        assertThat(createErrors(b -> {
                    b.getSpecBuilder().setGroup("example");
                    b.getMetadataBuilder().setName("crontabs.example");
                    return b;
                }))
                .contains("spec.group: Invalid value: \"example\": should be a domain with at least one dot");
        assertThat(createErrors(b -> {
                    b.getSpecBuilder().setScope("Global");
                    return b;
                }))
                .anyMatch(e -> e.startsWith("spec.scope: Unsupported value: \"Global\""));
        assertThat(createErrors(b -> {
                    b.getSpecBuilder()
                            .addVersions(CustomResourceDefinitionVersion.newBuilder()
                                    .mergeFrom(b.getSpec().getVersions(0))
                                    .setName("v1"));
                    return b;
                }))
                .contains(
                        "spec.versions: Invalid value: must contain unique version names",
                        "spec.versions: Invalid value: must have exactly one version marked as storage version");
        assertThat(createErrors(b -> {
                    b.getSpecBuilder().getNamesBuilder().setKind("Cron_Tab");
                    return b;
                }))
                .anyMatch(
                        e -> e.startsWith(
                                "spec.names.kind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match"));
        assertThat(createErrors(b -> {
                    b.getSpecBuilder().getVersionsBuilder(0).clearSchema();
                    return b;
                }))
                .contains("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required");
        assertThat(createErrors(b -> {
                    b.getSpecBuilder().getConversionBuilder().setStrategy("Webhook");
                    return b;
                }))
                .anyMatch(e -> e.startsWith(
                        "spec.conversion.strategy: Invalid value: \"Webhook\": conversion webhooks are not supported"));
    }

    @Test
    void nonStructuralSchemasAreRefused() {
        String noType = CRONTAB.replaceFirst("(image:\\n\\s+)type: string", "$1description: untyped");
        CustomResourceDefinition crd = created(ApiJson.parse(noType, CustomResourceDefinition.getDefaultInstance())
                .message());
        assertThat(KIND.validateCreate(crd))
                .extracting(CustomResourceDefinitionKindTest::text)
                .containsExactly(
                        "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[image].type: Required value:"
                                + " must not be empty for specified object fields");
        String arrayRoot = CRONTAB.replaceFirst("(openAPIV3Schema:\\n\\s+)type: object", "$1type: array");
        assertThat(KIND.validateCreate(created(ApiJson.parse(arrayRoot, CustomResourceDefinition.getDefaultInstance())
                        .message())))
                .extracting(CustomResourceDefinitionKindTest::text)
                .contains(
                        "spec.versions[0].schema.openAPIV3Schema.type: Invalid value: \"array\": must be object at the root");
    }
}
