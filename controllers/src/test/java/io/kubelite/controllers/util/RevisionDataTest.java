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
        PodTemplateSpec other = TEMPLATE.toBuilder()
                .setSpec(TEMPLATE.getSpec().toBuilder()
                        .setContainers(
                                0,
                                TEMPLATE.getSpec().getContainers(0).toBuilder()
                                        .setResources(ResourceRequirements.getDefaultInstance())))
                .build();
        assertThat(RevisionData.holds(
                        RevisionData.of(TEMPLATE),
                        other.toBuilder().setSpec(PodSpec.getDefaultInstance()).build()))
                .isFalse();
    }
}
