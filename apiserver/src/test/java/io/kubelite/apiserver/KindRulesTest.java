package io.kubelite.apiserver;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceStatus;
import io.kubelite.store.Resources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kind-specific decisions the generic handlers take, each from its one place. */
class KindRulesTest {
    private static Pod pod(String image, String phase) {
        return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("p").setNamespace("default").setUid("u1")
                        .setResourceVersion("7").setGeneration(1).setCreationTimestamp(Timestamp.newBuilder().setSeconds(5)))
                .setSpec(PodSpec.newBuilder().addContainers(Container.newBuilder().setName("c").setImage(image)))
                .setStatus(PodStatus.newBuilder().setPhase(phase)).build();
    }

    @Test
    void createClearsServerFieldsDefaultsAndValidates() {
        Pod in = pod("i", "Running").toBuilder().setMetadata(ObjectMeta.newBuilder().setName("p").setUid("x")
                .setResourceVersion("3").setNamespace("other")).build();
        Pod out = KindRules.prepareForCreate(Resources.PODS, in, "default");
        assertThat(out.getMetadata().getUid()).isEmpty();
        assertThat(out.getMetadata().getResourceVersion()).isEmpty();
        assertThat(out.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(out.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThatThrownBy(() -> KindRules.prepareForCreate(Resources.PODS, pod("", "").toBuilder()
                .clearStatus().build(), "default")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void updateKeepsStatusAndServerMetadataAndBumpsGenerationOnSpecChange() {
        Pod stored = pod("i", "Running");
        Pod cur = KindRules.prepareForCreate(Resources.PODS, stored, "default").toBuilder()
                .setMetadata(stored.getMetadata()).setStatus(stored.getStatus()).build();
        Pod in = cur.toBuilder().setMetadata(ObjectMeta.newBuilder().setName("p").setNamespace("default"))
                .setStatus(PodStatus.newBuilder().setPhase("Failed")).build();
        in = in.toBuilder().setSpec(in.getSpec().toBuilder().setContainers(0,
                in.getSpec().getContainers(0).toBuilder().setImage("j"))).build();
        Pod out = KindRules.prepareForUpdate(Resources.PODS, cur, in);
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
        Service cur = Service.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("s").setNamespace("default")
                .setUid("u")).setSpec(io.kubelite.api.ServiceSpec.newBuilder().setType("ClusterIP")
                .addPorts(io.kubelite.api.ServicePort.newBuilder().setPort(80).setProtocol("TCP"))).build();
        Service in = cur.toBuilder().setStatus(ServiceStatus.newBuilder().setLoadBalancer(
                io.kubelite.api.LoadBalancerStatus.newBuilder().addIngress(
                        io.kubelite.api.LoadBalancerIngress.newBuilder().setIp("10.0.0.1")))).build();
        Service out = KindRules.prepareForUpdate(Resources.SERVICES, cur, in);
        assertThat(out.getStatus()).isEqualTo(in.getStatus());
    }

    @Test
    void deletionDecisions() {
        assertThat(KindRules.deletedWhenFinalizersEmpty(Resources.REPLICA_SETS)).isTrue();
        assertThat(KindRules.deletedWhenFinalizersEmpty(Resources.PODS)).isFalse();
        assertThat(KindRules.deletedWhenFinalizersEmpty(Resources.NAMESPACES)).isFalse();
        assertThat(KindRules.supportsForegroundDeletion(Resources.REPLICA_SETS)).isTrue();
        assertThat(KindRules.supportsForegroundDeletion(Resources.PODS)).isFalse();
        assertThat(KindRules.deletionStyle(Resources.PODS)).isEqualTo(KindRules.DeletionStyle.GRACEFUL_POD);
        assertThat(KindRules.deletionStyle(Resources.NAMESPACES)).isEqualTo(KindRules.DeletionStyle.NAMESPACE);
        assertThat(KindRules.deletionStyle(Resources.SECRETS)).isEqualTo(KindRules.DeletionStyle.STANDARD);
        assertThat(KindRules.deleteReturnsObject(Resources.SERVICES)).isTrue();
        assertThat(KindRules.deleteReturnsObject(Resources.REPLICA_SETS)).isFalse();
    }

    @Test
    void subresources() {
        assertThat(KindRules.allowsSubresource(Resources.PODS, "binding")).isTrue();
        assertThat(KindRules.allowsSubresource(Resources.NODES, "binding")).isFalse();
        assertThat(KindRules.allowsSubresource(Resources.REPLICA_SETS, "scale")).isTrue();
        assertThat(KindRules.allowsSubresource(Resources.SERVICES, "status")).isFalse();
        assertThat(KindRules.allowsSubresource(Resources.PODS, "exec")).isFalse();
    }
}
