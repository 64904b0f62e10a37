package io.kubelite.controllers.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.kubelite.api.ApiJson;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ResourceRequirements;
import org.junit.jupiter.api.Test;

/** A revision's data: kube's getPatch bytes for the template, and the template read back. */
class RevisionDataTest {
    static final PodTemplateSpec TEMPLATE = PodTemplateSpec.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().putLabels("name", "hist"))
            .setSpec(PodSpec.newBuilder()
                    .setRestartPolicy("Always")
                    .addContainers(Container.newBuilder().setName("agent").setImage("pause:3.1")))
            .build();

    @Test
    void dataIsWhatGoMarshalsForTheTemplatePatch() throws Exception {
        var data = RevisionData.of(TEMPLATE);
        // as the API server writes the data (sorted keys, compact): what kubectl's daemonSetMatch compares
        assertThat(ApiJson.toTree(data).get("fields").toString())
                .isEqualTo("{\"spec\":{\"template\":{\"$patch\":\"replace\","
                        + "\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"name\":\"hist\"}},"
                        + "\"spec\":{\"containers\":[{\"image\":\"pause:3.1\",\"name\":\"agent\",\"resources\":{}}],"
                        + "\"restartPolicy\":\"Always\"}}}}");
        assertThat(JsonFormat.printer().print(data)).contains("null");
    }

    @Test
    void theTemplateReadsBack() {
        assertThat(RevisionData.template(RevisionData.of(TEMPLATE))).contains(TEMPLATE);
        assertThat(RevisionData.holds(RevisionData.of(TEMPLATE), TEMPLATE)).isTrue();
        PodTemplateSpec image2 = TEMPLATE.toBuilder()
                .setSpec(TEMPLATE.getSpec().toBuilder()
                        .setContainers(
                                0,
                                TEMPLATE.getSpec().getContainers(0).toBuilder().setImage("pause:3.9")))
                .build();
        assertThat(RevisionData.holds(RevisionData.of(TEMPLATE), image2)).isFalse();
        // an empty resources block is Go's zero value: the same template either way
        PodTemplateSpec emptyResources = TEMPLATE.toBuilder()
                .setSpec(TEMPLATE.getSpec().toBuilder()
                        .setContainers(
                                0,
                                TEMPLATE.getSpec().getContainers(0).toBuilder()
                                        .setResources(ResourceRequirements.getDefaultInstance())))
                .build();
        assertThat(RevisionData.of(emptyResources)).isEqualTo(RevisionData.of(TEMPLATE));
    }

    @Test
    void dataWrittenBeforeTheGoZeroValuesStillMatches() throws Exception {
        // {"spec":{"template":{...,"$patch":"replace"}}} without creationTimestamp/resources, as older controllers
        // wrote it
        var old = com.google.protobuf.Struct.newBuilder();
        JsonFormat.parser()
                .merge(
                        "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"labels\":{\"name\":\"hist\"}},"
                                + "\"spec\":{\"containers\":[{\"image\":\"pause:3.1\",\"name\":\"agent\"}],"
                                + "\"restartPolicy\":\"Always\"}}}}",
                        old);
        assertThat(RevisionData.holds(old.build(), TEMPLATE)).isTrue();
        assertThat(RevisionData.holds(
                        old.build(),
                        TEMPLATE.toBuilder()
                                .setSpec(PodSpec.getDefaultInstance())
                                .build()))
                .isFalse();
    }
}
