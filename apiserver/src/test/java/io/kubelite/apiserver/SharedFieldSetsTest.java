package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.kubelite.api.ManagedFieldsEntry;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import org.junit.jupiter.api.Test;

/** Equal managedFields sets of different cached objects become one instance; the objects stay equal. */
class SharedFieldSetsTest {
    private static Pod pod(String name, String labelKey) {
        Struct labels = Struct.newBuilder()
                .putFields(
                        "f:" + labelKey,
                        Value.newBuilder()
                                .setStructValue(Struct.getDefaultInstance())
                                .build())
                .build();
        Struct set = Struct.newBuilder()
                .putFields(
                        "f:metadata",
                        Value.newBuilder()
                                .setStructValue(Struct.newBuilder()
                                        .putFields(
                                                "f:labels",
                                                Value.newBuilder()
                                                        .setStructValue(labels)
                                                        .build()))
                                .build())
                .build();
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .setResourceVersion("5")
                        .addManagedFields(ManagedFieldsEntry.newBuilder()
                                .setManager("kube-controller-manager")
                                .setOperation("Update")
                                .setFieldsType("FieldsV1")
                                .setFieldsV1(set)))
                .build();
    }

    @Test
    void equalSetsAreSharedAndObjectsUnchanged() {
        SharedFieldSets<Pod> shared = new SharedFieldSets<>(PodKind.RESOURCE);
        Pod a = pod("a", "app");
        Pod b = pod("b", "app");
        Pod c = pod("c", "other");
        Pod a2 = shared.share(a);
        Pod b2 = shared.share(b);
        Pod c2 = shared.share(c);
        assertThat(a2).isEqualTo(a);
        assertThat(b2).isEqualTo(b);
        assertThat(c2).isEqualTo(c);
        assertThat(b2.getMetadata().getManagedFields(0).getFieldsV1())
                .isSameAs(a2.getMetadata().getManagedFields(0).getFieldsV1());
        assertThat(c2.getMetadata().getManagedFields(0).getFieldsV1())
                .isNotSameAs(a2.getMetadata().getManagedFields(0).getFieldsV1());
        // without managedFields nothing is rebuilt
        Pod bare = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("x"))
                .build();
        assertThat(shared.share(bare)).isSameAs(bare);
    }
}
