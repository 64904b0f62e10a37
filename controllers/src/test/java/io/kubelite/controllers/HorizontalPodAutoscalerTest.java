package io.kubelite.controllers;

import static io.kubelite.controllers.ControllerManagerUnderTest.join;
import static io.kubelite.controllers.HpaFixtures.condition;
import static io.kubelite.controllers.HpaFixtures.conditions;
import static io.kubelite.controllers.HpaFixtures.cpuUtilization;
import static io.kubelite.controllers.HpaFixtures.deployment;
import static io.kubelite.controllers.HpaFixtures.hpa;
import static io.kubelite.controllers.HpaFixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.Deployment;
import io.kubelite.api.Event;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetSpec;
import io.kubelite.api.autoscaling.v2.HPAScalingPolicy;
import io.kubelite.api.autoscaling.v2.HPAScalingRules;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.kubelite.api.autoscaling.v2.MetricIdentifier;
import io.kubelite.api.autoscaling.v2.MetricSpec;
import io.kubelite.api.autoscaling.v2.MetricTarget;
import io.kubelite.api.autoscaling.v2.PodsMetricSource;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HPA controller alone ({@code --controllers=horizontalpodautoscaling}, a 1 s sync period, a 3 s
 * downscale stabilization) in a controller-manager on real etcd, reading an in-memory metrics source:
 * Deployments and their pods are written straight to etcd (no Deployment controller runs, so the pods
 * stay as written and each case's arithmetic is kube's on exactly those pods), and the Deployment's
 * {@code spec.replicas}, the HPA's status and its Events are read back.
 */
@Timeout(120)
class HorizontalPodAutoscalerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HpaFixtures.FakeMetrics METRICS = new HpaFixtures.FakeMetrics();
    private static ControllerManagerUnderTest cm;

    @BeforeAll
    static void start() throws Exception {
        cm = new ControllerManagerUnderTest(
                ETCD,
                java.time.Clock.systemUTC(),
                o -> o.podMetricsSource = METRICS,
                "--controllers=horizontalpodautoscaling",
                "--horizontal-pod-autoscaler-sync-period=1s",
                "--horizontal-pod-autoscaler-downscale-stabilization=3s");
    }

    @AfterAll
    static void stop() {
        cm.close();
    }

    /** A Deployment at {@code replicas} with that many Ready pods using {@code cpu} of their 100m request each. */
    private static void app(String name, int replicas, String... cpu) {
        join(cm.of(DeploymentKind.RESOURCE).create(deployment(name, replicas)));
        for (int i = 0; i < cpu.length; i++) {
            join(cm.of(PodKind.RESOURCE).create(readyPod(name, name + "-" + i, "100m")));
            METRICS.set(name + "-" + i, cpu[i]);
        }
    }

    private static int replicas(String deployment) {
        Deployment d = cm.getOrNull(DeploymentKind.RESOURCE, "default", deployment);
        return d == null ? -1 : d.getSpec().getReplicas();
    }

    private static HorizontalPodAutoscaler hpaNow(String name) {
        return cm.getOrNull(HorizontalPodAutoscalerKind.RESOURCE, "default", name);
    }

    /** An HPA as seen, printed by its status only, so a failed poll says what the controller wrote. */
    private record Seen(HorizontalPodAutoscaler hpa) {
        @Override
        public String toString() {
            return describe(hpa);
        }
    }

    private static HorizontalPodAutoscaler awaitHpa(String name, String what, Predicate<HorizontalPodAutoscaler> ok) {
        return Poll.until(
                        WAIT,
                        "hpa " + name + " " + what,
                        () -> new Seen(hpaNow(name)),
                        s -> s.hpa() != null && ok.test(s.hpa()))
                .hpa();
    }

    private static String describe(HorizontalPodAutoscaler h) {
        return h == null
                ? "none"
                : "current=" + h.getStatus().getCurrentReplicas() + " desired="
                        + h.getStatus().getDesiredReplicas() + " metrics="
                        + h.getStatus().getCurrentMetricsList() + " conditions=[" + conditions(h) + "]";
    }

    private static List<Event> events(String hpa, String reason) {
        return cm.events(reason).stream()
                .filter(e -> e.getInvolvedObject().getName().equals(hpa))
                .toList();
    }

    private static void awaitReplicas(String deployment, int want) {
        Poll.until(
                WAIT,
                "deployment " + deployment + " at spec.replicas " + want,
                () -> replicas(deployment),
                n -> n == want);
    }

    /** Asserts the Deployment stays at {@code want} over a few sync periods. */
    private static void staysAt(String deployment, int want) {
        Poll.holds(
                Duration.ofMillis(2500),
                "deployment " + deployment + " stays at " + want,
                () -> assertThat(replicas(deployment)).isEqualTo(want));
    }

    @Test
    void scalesUpToCeilOfUsageRatioWithEventAndConditions() {
        app("up", 2, "90m", "90m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("up", "up", 1, 10, cpuUtilization(50)).build()));

        // 90% of request against a 50% target: ratio 1.8, ceil(2 * 1.8) = 4 (within the max(2*2, 4) scale-up limit)
        awaitReplicas("up", 4);
        HorizontalPodAutoscaler h = awaitHpa(
                "up",
                "settled at 4 (the sync after the rescale reads 4 from the scale)",
                x -> x.getStatus().getCurrentReplicas() == 4);
        assertThat(h.getStatus().getDesiredReplicas()).isEqualTo(4);
        assertThat(h.getStatus().hasLastScaleTime()).isTrue();
        assertThat(h.getStatus().getObservedGeneration())
                .isEqualTo(h.getMetadata().getGeneration());
        var cur = h.getStatus().getCurrentMetrics(0).getResource();
        assertThat(cur.getName()).isEqualTo("cpu");
        assertThat(cur.getCurrent().getAverageUtilization()).isEqualTo(90);
        assertThat(cur.getCurrent().getAverageValue()).isEqualTo("90m");
        // 4 pods' worth of scale, 2 pods at 90%: ceil(2 * 1.8) = 4 again, nothing more to do
        assertThat(condition(h, "AbleToScale").getStatus() + "/"
                        + condition(h, "AbleToScale").getReason())
                .isEqualTo("True/ReadyForNewScale");
        assertThat(condition(h, "ScalingActive").getReason()).isEqualTo("ValidMetricFound");
        assertThat(condition(h, "ScalingActive").getMessage())
                .isEqualTo("the HPA was able to successfully calculate a replica count from cpu resource utilization"
                        + " (percentage of request)");
        assertThat(condition(h, "ScalingLimited").getStatus() + "/"
                        + condition(h, "ScalingLimited").getReason())
                .isEqualTo("False/DesiredWithinRange");
        Poll.until(WAIT, "SuccessfulRescale event", () -> events("up", "SuccessfulRescale"), e -> !e.isEmpty());
        assertThat(events("up", "SuccessfulRescale").get(0).getMessage())
                .isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request) above target");
        assertThat(events("up", "SuccessfulRescale").get(0).getSource().getComponent())
                .isEqualTo("horizontal-pod-autoscaler");
    }

    @Test
    void withinToleranceNothingChanges() {
        // 54% against 50%: ratio 1.08, within the 0.1 tolerance
        app("tol", 2, "54m", "54m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("tol", "tol", 1, 10, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler h = awaitHpa(
                "tol",
                "reports 54% twice over",
                x -> x.getStatus().getCurrentMetricsCount() == 1
                        && x.getStatus()
                                        .getCurrentMetrics(0)
                                        .getResource()
                                        .getCurrent()
                                        .getAverageUtilization()
                                == 54);
        assertThat(h.getStatus().getDesiredReplicas()).isEqualTo(2);
        assertThat(condition(h, "AbleToScale").getReason()).isEqualTo("ReadyForNewScale");
        staysAt("tol", 2);
        assertThat(events("tol", "SuccessfulRescale")).isEmpty();
        assertThat(h.getStatus().hasLastScaleTime()).isFalse();
    }

    @Test
    void scaleDownWaitsForTheStabilizationWindow() {
        // 10% against 50%: ratio 0.2, ceil(4 * 0.2) = 1; the first sync remembers 4, which holds for the 3 s window
        app("down", 4, "10m", "10m", "10m", "10m");
        Instant created = Instant.now();
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("down", "down", 1, 10, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler h = awaitHpa(
                "down",
                "held by the stabilization window",
                x -> condition(x, "AbleToScale").getReason().equals("ScaleDownStabilized"));
        assertThat(condition(h, "AbleToScale").getMessage())
                .isEqualTo(
                        "recent recommendations were higher than current one, applying the highest recent recommendation");
        assertThat(h.getStatus().getDesiredReplicas()).isEqualTo(4);
        assertThat(h.getStatus().hasLastScaleTime()).isFalse();
        awaitReplicas("down", 1);
        assertThat(Duration.between(created, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        Poll.until(WAIT, "scale-down event", () -> events("down", "SuccessfulRescale"), e -> !e.isEmpty());
        assertThat(events("down", "SuccessfulRescale").get(0).getMessage())
                .isEqualTo("New size: 1; reason: All metrics below target");
    }

    @Test
    void aPolicyLimitsTheStep() {
        // 200% against 50%: ratio 4, ceil(2 * 4) = 8; one pod per 60 s allows 2 + 1 = 3, and no more within the period
        app("pol", 2, "200m", "200m");
        HPAScalingRules up = HPAScalingRules.newBuilder()
                .setStabilizationWindowSeconds(0)
                .setSelectPolicy("Max")
                .addPolicies(HPAScalingPolicy.newBuilder()
                        .setType("Pods")
                        .setValue(1)
                        .setPeriodSeconds(60))
                .build();
        HPAScalingRules down = HPAScalingRules.newBuilder()
                .setSelectPolicy("Max")
                .addPolicies(HPAScalingPolicy.newBuilder()
                        .setType("Percent")
                        .setValue(100)
                        .setPeriodSeconds(15))
                .build();
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("pol", "pol", 1, 10, cpuUtilization(50))
                        .setSpec(hpa("pol", "pol", 1, 10, cpuUtilization(50)).getSpec().toBuilder()
                                .setBehavior(HorizontalPodAutoscalerBehavior.newBuilder()
                                        .setScaleUp(up)
                                        .setScaleDown(down)))
                        .build()));
        awaitReplicas("pol", 3);
        HorizontalPodAutoscaler h = awaitHpa(
                "pol",
                "limited by the policy at 3",
                x -> x.getStatus().getCurrentReplicas() == 3
                        && condition(x, "ScalingLimited").getReason().equals("ScaleUpLimit"));
        assertThat(condition(h, "ScalingLimited").getStatus()).isEqualTo("True");
        assertThat(condition(h, "ScalingLimited").getMessage())
                .isEqualTo("the desired replica count is increasing faster than the maximum scale rate");
        staysAt("pol", 3);
        assertThat(events("pol", "SuccessfulRescale")).hasSize(1);
    }

    @Test
    void aPodWithoutMetricsCountsAsFullyUsedOnAScaleDown() {
        // pods 0..2 use 0m of 100m, pod 3 has no sample. Ready pods: 0% of request, ratio 0 < 1 (a scale-down);
        // the missing pod counts as 100% of its request: (0+0+0+100) / 400 = 25%, ratio 0.5,
        // ceil(0.5 * 4 pods counted) = 2 (ignoring it would have given ceil(0 * 3) = 0, i.e. minReplicas 1)
        app("miss", 4, "0", "0", "0");
        join(cm.of(PodKind.RESOURCE).create(readyPod("miss", "miss-3", "100m")));
        HPAScalingRules down = HPAScalingRules.newBuilder()
                .setStabilizationWindowSeconds(0)
                .setSelectPolicy("Max")
                .addPolicies(HPAScalingPolicy.newBuilder()
                        .setType("Percent")
                        .setValue(100)
                        .setPeriodSeconds(15))
                .build();
        var spec = hpa("miss", "miss", 1, 10, cpuUtilization(50)).getSpec().toBuilder()
                .setBehavior(HorizontalPodAutoscalerBehavior.newBuilder()
                        .setScaleUp(HPAScalingRules.newBuilder()
                                .setStabilizationWindowSeconds(0)
                                .setSelectPolicy("Max")
                                .addPolicies(HPAScalingPolicy.newBuilder()
                                        .setType("Pods")
                                        .setValue(4)
                                        .setPeriodSeconds(15)))
                        .setScaleDown(down));
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("miss", "miss", 1, 10).setSpec(spec).build()));
        awaitReplicas("miss", 2);
        // the reported utilization is the ready pods' (0%), as kube reports it
        HorizontalPodAutoscaler h =
                awaitHpa("miss", "reports the rescale", x -> x.getStatus().getDesiredReplicas() == 2);
        assertThat(h.getStatus().getCurrentMetrics(0).getResource().getCurrent().getAverageUtilization())
                .isZero();
    }

    @Test
    void anUnreadyPodCountsAsIdleOnAScaleUp() {
        // ready pods 0 and 1 use 80m of 100m: 80%, ratio 1.6 > 1 (a scale-up) with an unready pod, so kube recomputes
        // with the unready pod (2, not Ready, started 10 s ago, sampling 500m) at 0: (80+80+0) / 300 = 53%,
        // ratio 1.06, within the tolerance: stay at 3. Counting the unready pod's sample would give
        // ceil(3 * 2.2) = 7; dropping it without the recompute ceil(2 * 1.6) = 4.
        app("unready", 3, "80m", "80m");
        Instant started = Instant.now().minusSeconds(10);
        join(cm.of(PodKind.RESOURCE)
                .create(HpaFixtures.pod("unready", "unready-2", "100m", started, "False", started)));
        METRICS.set("unready-2", "500m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("unready", "unready", 1, 10, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler h = awaitHpa(
                "unready",
                "computed",
                x -> condition(x, "ScalingActive").getReason().equals("ValidMetricFound"));
        assertThat(h.getStatus().getDesiredReplicas()).isEqualTo(3);
        assertThat(h.getStatus().getCurrentMetrics(0).getResource().getCurrent().getAverageUtilization())
                .isEqualTo(80);
        staysAt("unready", 3);
        assertThat(events("unready", "SuccessfulRescale")).isEmpty();
    }

    @Test
    void minAndMaxReplicasLimit() {
        // 100% against 50%: ceil(2 * 2) = 4, but maxReplicas is 3
        app("lim", 2, "100m", "100m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("lim", "lim", 1, 3, cpuUtilization(50)).build()));
        awaitReplicas("lim", 3);
        HorizontalPodAutoscaler h = awaitHpa(
                "lim",
                "limited by maxReplicas",
                x -> condition(x, "ScalingLimited").getReason().equals("TooManyReplicas"));
        assertThat(condition(h, "ScalingLimited").getStatus()).isEqualTo("True");
        assertThat(condition(h, "ScalingLimited").getMessage())
                .isEqualTo("the desired replica count is more than the maximum replica count");

        // 5% against 50%: ceil(2 * 0.1) = 1, but minReplicas is 2 (once the 3 s window no longer holds 2)
        app("few", 2, "5m", "5m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("few", "few", 2, 5, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler f = awaitHpa(
                "few",
                "limited by minReplicas",
                x -> condition(x, "ScalingLimited").getReason().equals("TooFewReplicas"));
        assertThat(condition(f, "ScalingLimited").getStatus()).isEqualTo("True");
        assertThat(replicas("few")).isEqualTo(2);
        assertThat(events("few", "SuccessfulRescale")).isEmpty();
    }

    @Test
    void badTargetsAndMetricsGetConditionsAndTheControllerKeepsGoing() {
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("nope", "nope", 1, 5, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler h = awaitHpa(
                "nope",
                "unable to get the scale",
                x -> condition(x, "AbleToScale").getReason().equals("FailedGetScale"));
        assertThat(condition(h, "AbleToScale").getStatus()).isEqualTo("False");
        assertThat(condition(h, "AbleToScale").getMessage())
                .isEqualTo("the HPA controller was unable to get the target's current scale: deployments.apps \"nope\""
                        + " not found");
        Poll.until(WAIT, "FailedGetScale event", () -> events("nope", "FailedGetScale"), e -> !e.isEmpty());

        // pods without a CPU request: kube's FailedGetResourceMetric
        join(cm.of(DeploymentKind.RESOURCE).create(deployment("noreq", 1)));
        join(cm.of(PodKind.RESOURCE).create(readyPod("noreq", "noreq-0", null)));
        METRICS.set("noreq-0", "50m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("noreq", "noreq", 1, 5, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler n = awaitHpa(
                "noreq",
                "failing the metric",
                x -> condition(x, "ScalingActive").getReason().equals("FailedGetResourceMetric"));
        assertThat(condition(n, "ScalingActive").getMessage())
                .isEqualTo("the HPA was unable to compute the replica count: failed to get cpu utilization: missing"
                        + " request for cpu in container app of Pod noreq-0");
        Poll.until(
                WAIT,
                "FailedComputeMetricsReplicas event",
                () -> events("noreq", "FailedComputeMetricsReplicas"),
                e -> !e.isEmpty());

        // a Pods metric: no custom metrics API here
        join(cm.of(DeploymentKind.RESOURCE).create(deployment("custom", 1)));
        MetricSpec pods = MetricSpec.newBuilder()
                .setType("Pods")
                .setPods(PodsMetricSource.newBuilder()
                        .setMetric(MetricIdentifier.newBuilder().setName("requests_per_second"))
                        .setTarget(MetricTarget.newBuilder()
                                .setType("AverageValue")
                                .setAverageValue("10")))
                .build();
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("custom", "custom", 1, 5, pods).build()));
        HorizontalPodAutoscaler c = awaitHpa(
                "custom",
                "failing the Pods metric",
                x -> condition(x, "ScalingActive").getReason().equals("FailedGetPodsMetric"));
        assertThat(condition(c, "ScalingActive").getMessage())
                .contains("kubelite serves no custom or external metrics API");

        // an HPA the API server would have refused (maxReplicas 0), written straight to etcd: its target is left alone
        app("invalid", 2, "90m", "90m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("invalid", "invalid", 1, 0, cpuUtilization(50)).build()));
        HorizontalPodAutoscaler inv = awaitHpa(
                "invalid",
                "refusing its spec",
                x -> condition(x, "ScalingActive").getReason().equals("InvalidSpec"));
        assertThat(condition(inv, "ScalingActive").getMessage())
                .startsWith("the HPA's spec is invalid: spec.maxReplicas: Invalid value: 0");
        staysAt("invalid", 2);

        // and an HPA created after all that still works
        app("good", 1, "100m");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("good", "good", 1, 5, cpuUtilization(50)).build()));
        awaitReplicas("good", 2);
    }

    @Test
    void aStatefulSetAboveMaxReplicasIsBroughtDownThroughItsScale() {
        // kube: a target above maxReplicas is set to it without consulting metrics
        join(cm.of(StatefulSetKind.RESOURCE)
                .create(StatefulSet.newBuilder()
                        .setMetadata(
                                ObjectMeta.newBuilder().setNamespace("default").setName("db"))
                        .setSpec(StatefulSetSpec.newBuilder()
                                .setReplicas(6)
                                .setServiceName("db")
                                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "db"))
                                .setTemplate(deployment("db", 1).getSpec().getTemplate()))
                        .build()));
        var h = hpa("db", "db", 1, 3, cpuUtilization(50));
        h.getSpecBuilder().getScaleTargetRefBuilder().setKind("StatefulSet");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE).create(h.build()));
        Poll.until(
                WAIT,
                "statefulset db at 3",
                () -> cm.getOrNull(StatefulSetKind.RESOURCE, "default", "db")
                        .getSpec()
                        .getReplicas(),
                n -> n == 3);
        Poll.until(WAIT, "SuccessfulRescale event", () -> events("db", "SuccessfulRescale"), e -> !e.isEmpty());
        assertThat(events("db", "SuccessfulRescale").get(0).getMessage())
                .isEqualTo("New size: 3; reason: Current number of replicas above Spec.MaxReplicas");
        // only spec.replicas changed, as a /scale update changes it
        StatefulSet after = cm.getOrNull(StatefulSetKind.RESOURCE, "default", "db");
        assertThat(after.getSpec().getServiceName()).isEqualTo("db");
        assertThat(after.getMetadata().getGeneration()).isEqualTo(2);
    }

    @Test
    void aCustomResourceWithAScaleSubresourceIsScaled() {
        var crdKind = CustomResourceDefinitionKind.KIND;
        CustomResourceDefinition crd = crdKind.strategy()
                .prepareForCreate(crdKind.strategy()
                        .defaults(ApiJson.parse("""
                                        apiVersion: apiextensions.k8s.io/v1
                                        kind: CustomResourceDefinition
                                        metadata: {name: widgets.example.com}
                                        spec:
                                          group: example.com
                                          scope: Namespaced
                                          names: {plural: widgets, singular: widget, kind: Widget}
                                          versions:
                                            - name: v1
                                              served: true
                                              storage: true
                                              schema:
                                                openAPIV3Schema:
                                                  type: object
                                                  x-kubernetes-preserve-unknown-fields: true
                                              subresources:
                                                scale:
                                                  specReplicasPath: .spec.replicas
                                                  statusReplicasPath: .status.replicas
                                                  labelSelectorPath: .status.selector
                                        """, CustomResourceDefinition.getDefaultInstance())
                                .message()));
        join(cm.of(CustomResourceDefinitionKind.RESOURCE).create(crd));
        Resource<CustomObject> widgets = CustomResourceKinds.of(crd).get(0).resource();
        join(cm.of(widgets)
                .create(ApiJson.parse(
                                "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
                                        + "\"namespace\":\"default\"},\"spec\":{\"replicas\":6,\"color\":\"blue\"},"
                                        + "\"status\":{\"replicas\":6,\"selector\":\"app=w\"}}",
                                CustomObject.getDefaultInstance())
                        .message()));
        var h = hpa("w", "w", 1, 3, cpuUtilization(50));
        h.getSpecBuilder()
                .getScaleTargetRefBuilder()
                .setApiVersion("example.com/v1")
                .setKind("Widget");
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE).create(h.build()));
        Poll.until(
                WAIT,
                "widget w's spec.replicas at 3",
                () -> cm.getOrNull(widgets, "default", "w").getContent(),
                c -> c.contains("\"replicas\":3") && c.contains("\"color\":\"blue\""));
        Poll.until(WAIT, "SuccessfulRescale event", () -> events("w", "SuccessfulRescale"), e -> !e.isEmpty());
    }
}
