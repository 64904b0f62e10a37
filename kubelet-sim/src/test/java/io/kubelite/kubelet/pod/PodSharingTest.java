package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectCodec;
import org.junit.jupiter.api.Test;

class PodSharingTest {
    private final PodSharing sharing = new PodSharing(key -> null, new SharedMessages());

    private static Pod version(long revision, String phase, String image) {
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-1")
                        .setNamespace("default")
                        .setUid("u1"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("node-1")
                        .addContainers(Container.newBuilder().setName("web").setImage(image)))
                .setStatus(PodStatus.newBuilder().setPhase(phase))
                .build();
        // as the watch delivers it: a fresh decode
        return ObjectCodec.decode(
                PodKind.RESOURCE, "/registry/pods/default/web-1", ObjectCodec.encode(PodKind.RESOURCE, p), revision);
    }

    @Test
    void aNewVersionSharesWhatDidNotChangeAndEqualsWhatCameIn() {
        Pod v1 = sharing.apply(null, version(5, "Pending", "nginx"));
        Pod in2 = version(6, "Running", "nginx");
        Pod v2 = sharing.apply(v1, in2);
        assertThat(v2).isEqualTo(in2);
        assertThat(v2.getSpec()).isSameAs(v1.getSpec());
        assertThat(v2.getStatus()).isNotSameAs(v1.getStatus());

        Pod in3 = version(7, "Running", "nginx:1.27");
        Pod v3 = sharing.apply(v2, in3);
        assertThat(v3).isEqualTo(in3);
        assertThat(v3.getSpec()).isNotSameAs(v2.getSpec());
        assertThat(v3.getStatus()).isSameAs(v2.getStatus());
    }
}
