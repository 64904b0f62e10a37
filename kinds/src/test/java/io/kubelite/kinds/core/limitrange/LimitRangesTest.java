package io.kubelite.kinds.core.limitrange;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.LimitRange;
import io.kubelite.api.LimitRangeItem;
import io.kubelite.api.LimitRangeSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kinds.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LimitRanger's defaults and bounds, and the LimitRange kind's defaulting and validation, as pure functions. */
class LimitRangesTest {
    static LimitRange range(LimitRangeItem.Builder... items) {
        LimitRangeSpec.Builder spec = LimitRangeSpec.newBuilder();
        for (LimitRangeItem.Builder i : items) {
            spec.addLimits(i);
        }
        return LimitRangeKind.KIND
                .strategy()
                .defaults(LimitRange.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("lr").setNamespace("ns"))
                        .setSpec(spec)
                        .build());
    }

    static Pod pod(ResourceRequirements.Builder... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder();
        int i = 0;
        for (ResourceRequirements.Builder r : containers) {
            spec.addContainers(
                    Container.newBuilder().setName("c" + i++).setImage("nginx").setResources(r));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("p").setNamespace("ns"))
                .setSpec(spec)
                .build();
    }

    @Test
    void aContainerRangeDefaultsItsLimitToTheMaxAndItsRequestToTheLimit() {
        LimitRange lr = range(LimitRangeItem.newBuilder().setType("Container").putMax("cpu", "1"));
        assertThat(lr.getSpec().getLimits(0).getDefaultMap()).containsEntry("cpu", "1");
        assertThat(lr.getSpec().getLimits(0).getDefaultRequestMap()).containsEntry("cpu", "1");
    }

    @Test
    void defaultsFillOnlyWhatAContainerLeavesOutAndSayWhatTheySet() {
        LimitRange lr = range(LimitRangeItem.newBuilder()
                .setType("Container")
                .putDefault("cpu", "300m")
                .putDefaultRequest("cpu", "200m")
                .putDefault("memory", "64Mi"));
        Pod p = LimitRanges.defaults(
                pod(
                        ResourceRequirements.newBuilder(),
                        ResourceRequirements.newBuilder().putLimits("cpu", "100m")),
                List.of(lr));
        assertThat(p.getSpec().getContainers(0).getResources().getLimitsMap())
                .containsEntry("cpu", "300m")
                .containsEntry("memory", "64Mi");
        assertThat(p.getSpec().getContainers(1).getResources().getLimitsMap()).containsEntry("cpu", "100m");
        assertThat(p.getMetadata().getAnnotationsMap())
                .containsEntry(
                        "kubernetes.io/limit-ranger",
                        "LimitRanger plugin set: cpu, memory request for container c0; cpu, memory limit for container"
                                + " c0; cpu, memory request for container c1; memory limit for container c1");
    }

    @Test
    void boundsRefuseWithKubesMessages() {
        LimitRange lr = range(
                LimitRangeItem.newBuilder()
                        .setType("Container")
                        .putMax("cpu", "500m")
                        .putMin("memory", "10Mi")
                        .putMaxLimitRequestRatio("cpu", "2"),
                LimitRangeItem.newBuilder().setType("Pod").putMax("cpu", "600m"));
        Pod p = pod(
                ResourceRequirements.newBuilder().putLimits("cpu", "1").putRequests("cpu", "250m"),
                ResourceRequirements.newBuilder().putLimits("cpu", "400m").putRequests("cpu", "400m"));
        assertThat(LimitRanges.violations(p, List.of(lr)))
                .containsExactly(
                        "minimum memory usage per Container is 10Mi.  No request is specified",
                        "maximum cpu usage per Container is 500m, but limit is 1",
                        "cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000",
                        "minimum memory usage per Container is 10Mi.  No request is specified",
                        "maximum cpu usage per Pod is 600m, but limit is 1400m");
    }

    @Test
    void validationKeepsMinBelowDefaultsBelowMax() {
        LimitRange lr = range(LimitRangeItem.newBuilder()
                .setType("Container")
                .putMin("cpu", "1")
                .putMax("cpu", "500m")
                .putDefaultRequest("memory", "-1"));
        List<FieldError> errs = LimitRangeKind.KIND.validateCreate(lr);
        assertThat(errs.stream().map(FieldError::toString))
                .anyMatch(e -> e.contains("spec.limits[0].min[cpu]")
                        && e.contains("min value 1 is greater than max value 500m"))
                .anyMatch(e -> e.contains("spec.limits[0].defaultRequest[memory]")
                        && e.contains("must be greater than or equal to 0"));
        LimitRange podDefaults =
                range(LimitRangeItem.newBuilder().setType("Pod").putDefault("cpu", "1"));
        assertThat(LimitRangeKind.KIND.validateCreate(podDefaults).stream().map(FieldError::toString))
                .anyMatch(e -> e.contains("may not be specified when `type` is 'Pod'"));
    }
}
