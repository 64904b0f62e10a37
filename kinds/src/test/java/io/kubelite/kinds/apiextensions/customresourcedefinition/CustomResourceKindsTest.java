package io.kubelite.kinds.apiextensions.customresourcedefinition;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceColumnDefinition;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kinds an established CRD defines: names, scope, served versions, printer columns. */
class CustomResourceKindsTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static CustomResourceDefinition established(String yaml) {
        var kind = CustomResourceDefinitionKind.KIND;
        return kind.strategy()
                .prepareForCreate(kind.strategy()
                        .defaults(ApiJson.parse(yaml, CustomResourceDefinition.getDefaultInstance())
                                .message()));
    }

    @Test
    void eachServedVersionIsAKindNamedByTheCrd() {
        String twoVersions = CustomResourceDefinitionKindTest.CRONTAB.replaceFirst(
                "versions:\\n",
                "versions:\n    - name: v1beta1\n      served: false\n      storage: false\n"
                        + "      schema:\n        openAPIV3Schema:\n          type: object\n");
        List<Kind<CustomObject>> kinds = CustomResourceKinds.of(established(twoVersions));
        assertThat(kinds).hasSize(1);
        var r = kinds.get(0).resource();
        assertThat(List.of(r.apiVersion(), r.kind(), r.plural(), r.keySegment()))
                .containsExactly("stable.example.com/v1", "CronTab", "crontabs", "stable.example.com/crontabs");
        assertThat(r.namespaced()).isTrue();
        assertThat(r.shortNames()).containsExactly("ct");
        assertThat(Kinds.of(r))
                .as("the registry finds a run-time kind through its resource")
                .isSameAs(kinds.get(0));
        assertThat(CustomResourceKinds.of(ApiJson.parse(twoVersions, CustomResourceDefinition.getDefaultInstance())
                        .message()))
                .as("not established: nothing served")
                .isEmpty();
    }

    @Test
    void printerColumnsReadTheirPathsAsKubesTableConvertorDoes() {
        CustomResourceDefinition crd = established(CustomResourceDefinitionKindTest.CRONTAB);
        CustomResourceDefinition.Builder b = crd.toBuilder();
        b.getSpecBuilder()
                .getVersionsBuilder(0)
                .addAdditionalPrinterColumns(CustomResourceColumnDefinition.newBuilder()
                        .setName("Replicas")
                        .setType("integer")
                        .setJsonPath(".spec.replicas"))
                .addAdditionalPrinterColumns(CustomResourceColumnDefinition.newBuilder()
                        .setName("First")
                        .setType("string")
                        .setJsonPath(".spec.tags[0]"))
                .addAdditionalPrinterColumns(CustomResourceColumnDefinition.newBuilder()
                        .setName("Ready")
                        .setType("boolean")
                        .setJsonPath(".status.ready"))
                .addAdditionalPrinterColumns(CustomResourceColumnDefinition.newBuilder()
                        .setName("Age")
                        .setType("date")
                        .setJsonPath(".metadata.creationTimestamp"));
        Kind<CustomObject> kind = CustomResourceKinds.of(b.build()).get(0);
        assertThat(kind.columns())
                .extracting(c -> c.name() + ":" + c.type())
                .containsExactly(
                        "Name:string", "Spec:string", "Replicas:integer", "First:string", "Ready:boolean", "Age:date");
        CustomObject o = ApiJson.parse(
                        "{\"metadata\":{\"name\":\"c\",\"creationTimestamp\":\"2026-12-04T11:55:00Z\"},"
                                + "\"spec\":{\"cronSpec\":\"* * * * */5\",\"replicas\":3,\"tags\":[\"a\",\"b\"]}}",
                        CustomObject.getDefaultInstance())
                .message();
        assertThat(kind.cells(o, NOW)).isEqualTo(Arrays.asList("c", "* * * * */5", 3L, "a", null, "5m"));
    }
}
