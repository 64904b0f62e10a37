package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ManagedFieldsEntry;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import org.junit.jupiter.api.Test;

/** Equal parts of different cached objects become one instance; the objects stay equal to what arrived. */
class SharedSubtreesTest {
    private static Pod pod(String name, String image, String labelKey) {
        Struct set = Struct.newBuilder()
                .putFields(
                        "f:" + labelKey,
                        Value.newBuilder()
                                .setStructValue(Struct.getDefaultInstance())
                                .build())
                .build();
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace(new String("density"))
                        .putLabels("app", "web")
                        .setResourceVersion("5")
                        .addManagedFields(ManagedFieldsEntry.newBuilder()
                                .setManager("kube-controller-manager")
                                .setOperation("Update")
                                .setFieldsV1(set)))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(name + "-node")
                        .addContainers(Container.newBuilder().setName("pause").setImage(image)))
                .build();
    }

    @Test
    void equalSubtreesAndStringsAreSharedAndObjectsUnchanged() {
        SharedSubtrees shared = new SharedSubtrees();
        Pod a = pod("a", "pause:3.9", "app");
        Pod b = pod("b", "pause:3.9", "app");
        Pod c = pod("c", "nginx", "other");
        Pod a2 = shared.share(a);
        Pod b2 = shared.share(b);
        Pod c2 = shared.share(c);
        assertThat(a2).isEqualTo(a);
        assertThat(b2).isEqualTo(b);
        assertThat(c2).isEqualTo(c);
        assertThat(b2.getMetadata().getLabelsMap()).containsEntry("app", "web");
        // the same container and managedFields set, one instance; the different ones not
        assertThat(b2.getSpec().getContainers(0)).isSameAs(a2.getSpec().getContainers(0));
        assertThat(c2.getSpec().getContainers(0)).isNotSameAs(a2.getSpec().getContainers(0));
        assertThat(b2.getMetadata().getManagedFields(0))
                .isSameAs(a2.getMetadata().getManagedFields(0));
        assertThat(c2.getMetadata().getManagedFields(0).getFieldsV1())
                .isNotSameAs(a2.getMetadata().getManagedFields(0).getFieldsV1());
        // equal strings of unequal messages: one instance
        assertThat(c2.getMetadata().getNamespace()).isSameAs(a2.getMetadata().getNamespace());
        // a later version with the same spec holds the earlier version's spec
        Pod a3 = shared.share(a.toBuilder()
                .setMetadata(a.getMetadata().toBuilder().setResourceVersion("6"))
                .build());
        assertThat(a3.getSpec()).isSameAs(a2.getSpec());
        assertThat(a3.getMetadata().getResourceVersion()).isEqualTo("6");
        // given the version it replaces, an unchanged part is that version's instance, a changed
        // part is still shared with the other objects
        Pod a4in = a.toBuilder()
                .setMetadata(a.getMetadata().toBuilder().setResourceVersion("7"))
                .setStatus(c.getStatus())
                .build();
        Pod a4 = shared.share(a4in, a3);
        assertThat(a4).isEqualTo(a4in);
        assertThat(a4.getSpec()).isSameAs(a3.getSpec());
        assertThat(a4.getMetadata().getManagedFields(0))
                .isSameAs(a2.getMetadata().getManagedFields(0));
    }

    @Test
    void aChangedPartKeepsItsUnchangedChildrenFromThePreviousVersion() {
        SharedSubtrees shared = new SharedSubtrees();
        Pod v1in = pod("a", "pause:3.9", "app").toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .addConditions(PodCondition.newBuilder()
                                .setType("PodScheduled")
                                .setStatus("True"))
                        .addConditions(
                                PodCondition.newBuilder().setType("Ready").setStatus("False")))
                .build();
        Pod v1 = shared.share(v1in);
        // kubelet-sim's Running write: a new phase, one condition changed, a new resourceVersion
        Pod v2in = v1in.toBuilder()
                .setMetadata(v1in.getMetadata().toBuilder().setResourceVersion("6"))
                .setStatus(v1in.getStatus().toBuilder()
                        .setPhase("Running")
                        .setConditions(
                                1, PodCondition.newBuilder().setType("Ready").setStatus("True")))
                .build();
        Pod v2 = shared.share(v2in, v1);
        assertThat(v2).isEqualTo(v2in);
        assertThat(v2.getMetadata()).isNotSameAs(v1.getMetadata());
        assertThat(v2.getMetadata().getManagedFields(0))
                .isSameAs(v1.getMetadata().getManagedFields(0));
        assertThat(v2.getMetadata().getName()).isSameAs(v1.getMetadata().getName());
        assertThat(v2.getStatus().getConditions(0)).isSameAs(v1.getStatus().getConditions(0));
        assertThat(v2.getStatus().getConditions(1)).isEqualTo(v2in.getStatus().getConditions(1));
        assertThat(v2.getSpec()).isSameAs(v1.getSpec());
        // a field the new version clears stays cleared
        Pod v3in = v2in.toBuilder()
                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                .build();
        Pod v3 = shared.share(v3in, v2);
        assertThat(v3).isEqualTo(v3in);
        assertThat(v3.getStatus().getConditionsCount()).isZero();
    }

    @Test
    void scalarsMapsAndClearedFieldsOfANewVersionAreItsOwn() {
        SharedSubtrees shared = new SharedSubtrees();
        Pod v1in = pod("a", "pause:3.9", "app");
        Pod v1 = shared.share(v1in);
        Pod v2in = v1in.toBuilder()
                .setMetadata(v1in.getMetadata().toBuilder()
                        .setGeneration(2)
                        .putLabels("app", "db")
                        .putLabels("tier", "back")
                        .clearResourceVersion())
                .setSpec(v1in.getSpec().toBuilder().clearNodeName().setRestartPolicy("Never"))
                .build();
        Pod v2 = shared.share(v2in, v1);
        assertThat(v2).isEqualTo(v2in);
        assertThat(v2.getMetadata().getLabelsMap())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("app", "db", "tier", "back"));
        assertThat(v2.getMetadata().getResourceVersion()).isEmpty();
        assertThat(v2.getSpec().getNodeName()).isEmpty();
        assertThat(v2.getSpec().getContainers(0)).isSameAs(v1.getSpec().getContainers(0));
        // and back: an equal version is the previous instance
        Pod v3 = shared.share(v2in, v2);
        assertThat(v3).isSameAs(v2);
    }
}
