package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectCodec;
import org.junit.jupiter.api.Test;

class ProtoStringsTest {
    private static Pod decoded() {
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-1")
                        .setNamespace("default")
                        .putLabels("app", "web")
                        .putAnnotations("note", "x".repeat(ProtoStrings.MAX_LENGTH + 1)))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("node-1")
                        .addContainers(Container.newBuilder()
                                .setName("web")
                                .setImage("nginx")
                                .addCommand("sh")
                                .addCommand("-c")))
                .build();
        // a fresh decode, as every watch event is: new String objects throughout
        return ObjectCodec.decode(
                PodKind.RESOURCE, "/registry/pods/default/web-1", ObjectCodec.encode(PodKind.RESOURCE, p), 7);
    }

    @Test
    void twoDecodesShareTheirShortStringsAndStayEqual() {
        Pod a = ProtoStrings.intern(decoded());
        Pod b = ProtoStrings.intern(decoded());
        assertThat(b).isEqualTo(a).isEqualTo(decoded());
        assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
        assertThat(b.getMetadata().getLabelsMap().get("app"))
                .isSameAs(a.getMetadata().getLabelsMap().get("app"));
        assertThat(b.getSpec().getContainers(0).getImage())
                .isSameAs(a.getSpec().getContainers(0).getImage());
        assertThat(b.getSpec().getContainers(0).getCommand(1))
                .isSameAs(a.getSpec().getContainers(0).getCommand(1));
        // long values are left as they came
        assertThat(b.getMetadata().getAnnotationsMap().get("note"))
                .isNotSameAs(a.getMetadata().getAnnotationsMap().get("note"));
    }
}
