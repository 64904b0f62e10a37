package io.kubelite.kinds.core.resourcequota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ResourceQuotaSpec;
import io.kubelite.api.ResourceQuotaStatus;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quota usage, admission checks, recounts, columns and validation as pure functions. */
class QuotaChargeTest {
    static ResourceQuota quota(Map<String, String> hard, Map<String, String> used, String... scopes) {
        return ResourceQuota.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("q").setNamespace("ns"))
                .setSpec(ResourceQuotaSpec.newBuilder().putAllHard(hard).addAllScopes(List.of(scopes)))
                .setStatus(ResourceQuotaStatus.newBuilder().putAllHard(hard).putAllUsed(used))
                .build();
    }

    static Pod pod(String cpuRequest, String memLimit) {
        ResourceRequirements.Builder r = ResourceRequirements.newBuilder();
        if (cpuRequest != null) {
            r.putRequests("cpu", cpuRequest);
        }
        if (memLimit != null) {
            r.putLimits("memory", memLimit);
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("p").setNamespace("ns"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("app").setResources(r)))
                .build();
    }

    static ResourceQuota charge(ResourceQuota q, Pod p) {
        return QuotaCharge.charge(q, PodKind.RESOURCE, p, Usage.of(PodKind.RESOURCE, p));
    }

    @Test
    void aPodIsChargedItsCountAndRequestsInKubesFormat() {
        ResourceQuota q = quota(
                Map.of("pods", "3", "requests.cpu", "2", "limits.memory", "1Gi"),
                Map.of("pods", "1", "requests.cpu", "500m", "limits.memory", "128Mi"));
        ResourceQuota after = charge(q, pod("1", "128Mi"));
        assertThat(after.getStatus().getUsedMap())
                .isEqualTo(Map.of("pods", "2", "requests.cpu", "1500m", "limits.memory", "256Mi"));
        assertThat(ResourceQuotaKind.KIND.row(after, Instant.EPOCH, false).subList(2, 4))
                .containsExactly("pods: 2/3, requests.cpu: 1500m/2", "limits.memory: 256Mi/1Gi");
    }

    @Test
    void refusalsSayWhatWasRequestedUsedAndLimited() {
        ResourceQuota q = quota(Map.of("pods", "2", "requests.cpu", "1"), Map.of("pods", "2", "requests.cpu", "800m"));
        assertThatThrownBy(() -> charge(q, pod("300m", null)))
                .isInstanceOf(QuotaRefusal.class)
                .hasMessage("exceeded quota: q, requested: pods=1,requests.cpu=300m, used: pods=2,requests.cpu=800m,"
                        + " limited: pods=2,requests.cpu=1");
        assertThatThrownBy(() -> charge(q, pod(null, null)))
                .hasMessage("failed quota: q: must specify requests.cpu for: app");
        ResourceQuota unknown = quota(Map.of("pods", "2"), Map.of());
        assertThatThrownBy(() -> charge(unknown, pod(null, null)))
                .hasMessage("status unknown for quota: q, resources: pods");
    }

    @Test
    void scopesSelectWhichPodsCount() {
        ResourceQuota bestEffort = quota(Map.of("pods", "1"), Map.of("pods", "1"), "BestEffort");
        Pod burstable = pod("100m", null);
        assertThat(charge(bestEffort, burstable)).isSameAs(bestEffort);
        assertThatThrownBy(() -> charge(bestEffort, pod(null, null))).hasMessageStartingWith("exceeded quota: q");
        Pod terminating = pod(null, null).toBuilder()
                .setSpec(pod(null, null).getSpec().toBuilder().setActiveDeadlineSeconds(30))
                .build();
        ResourceQuota notTerminating = quota(Map.of("pods", "0"), Map.of("pods", "0"), "NotTerminating");
        assertThat(charge(notTerminating, terminating)).isSameAs(notTerminating);
    }

    @Test
    void aRecountSumsLivePodsAndServicesOnly() {
        ResourceQuota q = quota(
                Map.of("pods", "10", "requests.cpu", "4", "services.nodeports", "5", "count/services", "5"), Map.of());
        Pod finished = pod("1", null).toBuilder()
                .setStatus(PodStatus.newBuilder().setPhase("Succeeded"))
                .build();
        Service nodePort = Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("s").setNamespace("ns"))
                .setSpec(ServiceSpec.newBuilder()
                        .setType("NodePort")
                        .addPorts(ServicePort.newBuilder().setPort(80))
                        .addPorts(ServicePort.newBuilder().setPort(443)))
                .build();
        ResourceQuotaStatus st = QuotaStatuses.compute(
                q,
                List.of(
                        new QuotaStatuses.Objects(
                                PodKind.RESOURCE, List.of(pod("250m", null), pod("250m", null), finished)),
                        new QuotaStatuses.Objects(ServiceKind.RESOURCE, List.of(nodePort))));
        assertThat(st.getUsedMap())
                .isEqualTo(
                        Map.of("pods", "2", "requests.cpu", "500m", "services.nodeports", "2", "count/services", "1"));
        assertThat(QuotaResources.of(q.getSpec().getHardMap().keySet()))
                .containsExactlyInAnyOrder(PodKind.RESOURCE, ServiceKind.RESOURCE);
    }

    @Test
    void validationRefusesUnknownNamesNegativeAmountsAndConflictingScopes() {
        ResourceQuota bad = quota(Map.of("bogus", "1", "pods", "-1"), Map.of(), "Terminating", "NotTerminating");
        List<String> errs = ResourceQuotaKind.KIND
                .validateCreate(bad.toBuilder().clearStatus().build())
                .stream()
                .map(FieldError::toString)
                .toList();
        assertThat(errs)
                .anyMatch(e -> e.contains("spec.hard[bogus]") && e.contains("must be a standard resource for quota"))
                .anyMatch(e -> e.contains("spec.hard[pods]") && e.contains("must be greater than or equal to 0"))
                .anyMatch(e -> e.contains("conflicting scopes"));
    }
}
