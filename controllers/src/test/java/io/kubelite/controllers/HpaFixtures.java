package io.kubelite.controllers;

import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.autoscaling.v2.CrossVersionObjectReference;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.ResourceMetricSource;
import io.kubelite.controllers.podautoscaler.PodMetricsSource;
import io.kubelite.controllers.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Objects for the HPA tests, written to etcd as the API server, the Deployment controller and kubelets would. */
final class HpaFixtures {
    private HpaFixtures() {}

    static Deployment deployment(String name, int replicas) {
        return Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", name))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", name))
                                .setSpec(PodSpec.newBuilder().addContainers(container("100m")))))
                .build();
    }

    static Container container(String cpuRequest) {
        Container.Builder c = Container.newBuilder().setName("app").setImage("nginx");
        if (cpuRequest != null) {
            c.setResources(ResourceRequirements.newBuilder().putRequests("cpu", cpuRequest));
        }
        return c.build();
    }

    /** A Running pod of {@code app}, started 10 minutes ago and Ready since (past every CPU grace). */
    static Pod readyPod(String app, String name, String cpuRequest) {
        Instant started = Instant.now().minus(Duration.ofMinutes(10));
        return pod(app, name, cpuRequest, started, "True", started.plusSeconds(5));
    }

    static Pod pod(String app, String name, String cpuRequest, Instant started, String ready, Instant readySince) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("app", app))
                .setSpec(PodSpec.newBuilder().setNodeName("n1").addContainers(container(cpuRequest)))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setStartTime(Times.ts(started))
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus(ready)
                                .setLastTransitionTime(Times.ts(readySince))))
                .build();
    }

    static MetricSpec cpuUtilization(int percent) {
        return MetricSpec.newBuilder()
                .setType("Resource")
                .setResource(ResourceMetricSource.newBuilder()
                        .setName("cpu")
                        .setTarget(
                                MetricTarget.newBuilder().setType("Utilization").setAverageUtilization(percent)))
                .build();
    }

    static HorizontalPodAutoscaler.Builder hpa(String name, String target, int min, int max, MetricSpec... metrics) {
        return HorizontalPodAutoscaler.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(HorizontalPodAutoscalerSpec.newBuilder()
                        .setScaleTargetRef(CrossVersionObjectReference.newBuilder()
                                .setApiVersion("apps/v1")
                                .setKind("Deployment")
                                .setName(target))
                        .setMinReplicas(min)
                        .setMaxReplicas(max)
                        .addAllMetrics(List.of(metrics)));
    }

    /** {@code type=status/reason} for each condition, for readable assertions. */
    static String conditions(HorizontalPodAutoscaler h) {
        List<String> out = new ArrayList<>();
        for (HorizontalPodAutoscalerCondition c : h.getStatus().getConditionsList()) {
            out.add(c.getType() + "=" + c.getStatus() + "/" + c.getReason());
        }
        return String.join(", ", out);
    }

    static HorizontalPodAutoscalerCondition condition(HorizontalPodAutoscaler h, String type) {
        return h.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(HorizontalPodAutoscalerCondition.getDefaultInstance());
    }

    /** An in-memory metrics.k8s.io: each pod's CPU usage, sampled now over a 30 s window. */
    static final class FakeMetrics implements PodMetricsSource {
        private final Map<String, String> cpuByPod = new ConcurrentHashMap<>();

        void set(String pod, String cpu) {
            cpuByPod.put(pod, cpu);
        }

        @Override
        public List<PodMetrics> list(String namespace, String labelSelector) {
            // pods are named <app>-<suffix>; the selector is app=<app>
            String app = labelSelector.startsWith("app=") ? labelSelector.substring(4) : "";
            List<PodMetrics> out = new ArrayList<>();
            cpuByPod.forEach((pod, cpu) -> {
                if (pod.startsWith(app + "-")) {
                    out.add(new PodMetrics(
                            pod,
                            Instant.now(),
                            Duration.ofSeconds(30),
                            List.of(new ContainerMetrics("app", Map.of("cpu", cpu, "memory", "10Mi")))));
                }
            });
            return out;
        }
    }
}
