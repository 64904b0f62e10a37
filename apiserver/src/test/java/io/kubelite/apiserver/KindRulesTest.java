package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceStatus;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import org.junit.jupiter.api.Test;

/** The kind-specific decisions the generic handlers take, each from its one place. */
class KindRulesTest {
    private static Pod pod(String image, String phase) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p")
                        .setNamespace("default")
                        .setUid("u1")
                        .setResourceVersion("7")
                        .setGeneration(1)
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(5)))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage(image)))
                .setStatus(PodStatus.newBuilder().setPhase(phase))
                .build();
    }

    @Test
    void createClearsServerFieldsDefaultsAndValidates() {
        Pod in = pod("i", "Running").toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p")
                        .setUid("x")
                        .setResourceVersion("3")
                        .setNamespace("other"))
                .build();
        Pod out = KindRules.prepareForCreate(PodKind.RESOURCE, in, "default");
        assertThat(out.getMetadata().getUid()).isEmpty();
        assertThat(out.getMetadata().getResourceVersion()).isEmpty();
        assertThat(out.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(out.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThatThrownBy(() -> KindRules.prepareForCreate(
                        PodKind.RESOURCE, pod("", "").toBuilder().clearStatus().build(), "default"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void updateKeepsStatusAndServerMetadataAndBumpsGenerationOnSpecChange() {
        Pod stored = pod("i", "Running");
        Pod cur = KindRules.prepareForCreate(PodKind.RESOURCE, stored, "default").toBuilder()
                .setMetadata(stored.getMetadata())
                .setStatus(stored.getStatus())
                .build();
        Pod in = cur.toBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("p").setNamespace("default"))
                .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                .build();
        in = in.toBuilder()
                .setSpec(in.getSpec().toBuilder()
                        .setContainers(
                                0, in.getSpec().getContainers(0).toBuilder().setImage("j")))
                .build();
        Pod out = KindRules.prepareForUpdate(PodKind.RESOURCE, cur, in);
        assertThat(out.getStatus().getPhase()).isEqualTo("Running");
        assertThat(out.getMetadata().getUid()).isEqualTo("u1");
        assertThat(out.getMetadata().getCreationTimestamp().getSeconds()).isEqualTo(5);
        assertThat(out.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(out.getSpec().getContainers(0).getImage()).isEqualTo("j");
    }

    @Test
    void statusUpdateTakesOnlyTheStatus() {
        Pod cur = pod("i", "Running");
        Pod out = KindRules.prepareForStatusUpdate(cur, pod("other", "Succeeded"));
        assertThat(out.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(out.getSpec().getContainers(0).getImage()).isEqualTo("i");
    }

    @Test
    void servicesMayChangeStatusThroughTheMainResource() {
        Service cur = Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("s")
                        .setNamespace("default")
                        .setUid("u"))
                .setSpec(io.kubelite.api.ServiceSpec.newBuilder()
                        .setType("ClusterIP")
                        .addPorts(io.kubelite.api.ServicePort.newBuilder()
                                .setPort(80)
                                .setProtocol("TCP")))
                .build();
        Service in = cur.toBuilder()
                .setStatus(ServiceStatus.newBuilder()
                        .setLoadBalancer(io.kubelite.api.LoadBalancerStatus.newBuilder()
                                .addIngress(io.kubelite.api.LoadBalancerIngress.newBuilder()
                                        .setIp("10.0.0.1"))))
                .build();
        Service out = KindRules.prepareForUpdate(ServiceKind.RESOURCE, cur, in);
        assertThat(out.getStatus()).isEqualTo(in.getStatus());
    }

    @Test
    void deletionDecisions() {
        assertThat(KindRules.deletedWhenFinalizersEmpty(ReplicaSetKind.RESOURCE))
                .isTrue();
        assertThat(KindRules.deletedWhenFinalizersEmpty(PodKind.RESOURCE)).isFalse();
        assertThat(KindRules.deletedWhenFinalizersEmpty(NamespaceKind.RESOURCE)).isFalse();
        assertThat(KindRules.supportsForegroundDeletion(ReplicaSetKind.RESOURCE))
                .isTrue();
        assertThat(KindRules.supportsForegroundDeletion(PodKind.RESOURCE)).isFalse();
        assertThat(KindRules.deletionStyle(PodKind.RESOURCE)).isEqualTo(DeletionStyle.GRACEFUL);
        assertThat(KindRules.deletionStyle(NamespaceKind.RESOURCE)).isEqualTo(DeletionStyle.CONTROLLER_FINALIZED);
        assertThat(KindRules.deletionStyle(SecretKind.RESOURCE)).isEqualTo(DeletionStyle.IMMEDIATE);
        assertThat(KindRules.deleteReturnsObject(ServiceKind.RESOURCE)).isTrue();
        assertThat(KindRules.deleteReturnsObject(ReplicaSetKind.RESOURCE)).isFalse();
    }

    @Test
    void subresources() {
        assertThat(KindRules.allowsSubresource(PodKind.RESOURCE, "binding")).isTrue();
        assertThat(KindRules.allowsSubresource(NodeKind.RESOURCE, "binding")).isFalse();
        assertThat(KindRules.allowsSubresource(ReplicaSetKind.RESOURCE, "scale"))
                .isTrue();
        assertThat(KindRules.allowsSubresource(ServiceKind.RESOURCE, "status")).isFalse();
        assertThat(KindRules.allowsSubresource(PodKind.RESOURCE, "exec")).isTrue();
        assertThat(KindRules.allowsSubresource(PodKind.RESOURCE, "attach")).isTrue();
        assertThat(KindRules.allowsSubresource(NodeKind.RESOURCE, "exec")).isFalse();
        assertThat(KindRules.allowsSubresource(PodKind.RESOURCE, "portforward")).isFalse();
    }
}
