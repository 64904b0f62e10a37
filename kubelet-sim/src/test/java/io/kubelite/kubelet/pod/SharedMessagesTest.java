package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectCodec;
import org.junit.jupiter.api.Test;

class SharedMessagesTest {
    private final SharedMessages messages = new SharedMessages();

    private static Pod decoded(String name, String ip, long conditionSeconds) {
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000L)))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("node-1")
                        .addContainers(Container.newBuilder().setName("web").setImage("nginx")))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setPodIp(ip)
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")
                                .setLastTransitionTime(Timestamp.newBuilder().setSeconds(conditionSeconds))))
                .build();
        // as the watch delivers it: a fresh decode, new objects throughout
        return ObjectCodec.decode(
                PodKind.RESOURCE, "/registry/pods/default/" + name, ObjectCodec.encode(PodKind.RESOURCE, p), 7);
    }

    @Test
    void twoPodsShareTheirEqualConditionsTimestampsAndContainersAndStayEqual() {
        Pod inA = decoded("web-1", "10.0.0.1", 1_700_000_005L);
        Pod inB = decoded("web-2", "10.0.0.2", 1_700_000_005L);
        Pod a = messages.share(inA);
        Pod b = messages.share(inB);
        assertThat(a).isEqualTo(inA);
        assertThat(b).isEqualTo(inB);
        assertThat(b.getStatus().getConditions(0)).isSameAs(a.getStatus().getConditions(0));
        assertThat(b.getMetadata().getCreationTimestamp())
                .isSameAs(a.getMetadata().getCreationTimestamp());
        assertThat(b.getSpec().getContainers(0)).isSameAs(a.getSpec().getContainers(0));
        assertThat(b.getStatus().getPodIp()).isNotEqualTo(a.getStatus().getPodIp());
    }

    @Test
    void twoPodsShareTheirEqualSpecAndTheirStatusListsOfSharedMessages() {
        Pod a = messages.share(decoded("web-1", "10.0.0.1", 1_700_000_005L));
        Pod inB = decoded("web-2", "10.0.0.2", 1_700_000_005L);
        Pod b = messages.share(inB);
        assertThat(b).isEqualTo(inB);
        assertThat(b.getStatus().getConditionsList()).isSameAs(a.getStatus().getConditionsList());
        assertThat(b.getSpec()).isSameAs(a.getSpec());
        // a later version built from a shared one changes its own copy only
        Pod c = b.toBuilder()
                .setStatus(b.getStatus().toBuilder()
                        .addConditions(PodCondition.newBuilder().setType("Extra")))
                .build();
        assertThat(c.getStatus().getConditionsCount()).isEqualTo(2);
        assertThat(a.getStatus().getConditionsCount()).isEqualTo(1);
        assertThat(b.getStatus().getConditionsCount()).isEqualTo(1);
    }

    @Test
    void aDifferentValueIsNotShared() {
        Pod a = messages.share(decoded("web-1", "10.0.0.1", 1_700_000_005L));
        Pod b = messages.share(decoded("web-2", "10.0.0.2", 1_700_000_006L));
        assertThat(b.getStatus().getConditions(0)).isNotEqualTo(a.getStatus().getConditions(0));
        assertThat(b.getStatus().getConditions(0).getLastTransitionTime().getSeconds())
                .isEqualTo(1_700_000_006L);
    }
}
