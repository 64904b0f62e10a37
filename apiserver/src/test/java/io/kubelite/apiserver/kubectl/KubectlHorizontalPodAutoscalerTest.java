package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HorizontalPodAutoscalers as the real {@code kubectl} 1.32 drives them: {@code autoscale}
 * (which writes autoscaling/v1), {@code get hpa} with kubectl's columns, the same object read at
 * autoscaling/v1 ({@code get horizontalpodautoscalers.v1.autoscaling}) and v2, and the versions discovery lists.
 * No controller: nothing scales, the status stays empty ({@code <unknown>} current values).
 */
class KubectlHorizontalPodAutoscalerTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void autoscaleThenReadAtBothVersions() {
        kubectl.run("create", "deployment", "web", "--image=nginx").ok();

        // kubectl 1.32 writes autoscaling/v1 (targetCPUUtilizationPercentage): stored as v2
        Kubectl.Result autoscale =
                kubectl.run("autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5", "-v=6");
        assertThat(autoscale.ok()).isEqualTo("horizontalpodautoscaler.autoscaling/web autoscaled\n");
        assertThat(autoscale.err())
                .contains("POST " + CLUSTER.url() + "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers");

        String table = kubectl.run("get", "hpa").ok();
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow())
                .matches("web\\s+Deployment/web\\s+cpu: <unknown>/50%\\s+1\\s+5\\s+0\\s+\\d+s");

        // kubectl expands the short name of "hpa.v1.autoscaling" to the preferred version's resource
        // (client-side, as against any cluster: it reads autoscaling/v2); the full name keeps v1
        assertThat(kubectl.run("get", "hpa.v1.autoscaling", "web", "-o", "jsonpath={.apiVersion}")
                        .ok())
                .isEqualTo("autoscaling/v2");
        String v1 = kubectl.run("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "yaml")
                .ok();
        assertThat(v1).contains("apiVersion: autoscaling/v1", "targetCPUUtilizationPercentage: 50", "maxReplicas: 5");
        assertThat(v1).doesNotContain("metrics:");

        String v2 = kubectl.run("get", "hpa", "web", "-o", "yaml").ok();
        assertThat(v2)
                .contains("apiVersion: autoscaling/v2", "averageUtilization: 50", "type: Utilization", "name: cpu");

        // a v1 edit through kubectl is seen at v2
        kubectl.run(
                        "patch",
                        "horizontalpodautoscalers.v1.autoscaling",
                        "web",
                        "--type=merge",
                        "-p",
                        "{\"spec\":{\"maxReplicas\":8}}")
                .ok();
        assertThat(kubectl.run("get", "hpa", "web", "-o", "jsonpath={.spec.maxReplicas}")
                        .ok())
                .isEqualTo("8");
    }

    @Test
    void explainReadsEachVersionsSchema() {
        assertThat(kubectl.run("explain", "hpa.spec.metrics.resource.target").ok())
                .contains("GROUP:      autoscaling", "VERSION:    v2", "averageUtilization");
        assertThat(kubectl.run("explain", "hpa.spec", "--api-version=autoscaling/v1")
                        .ok())
                .contains("VERSION:    v1", "targetCPUUtilizationPercentage");
    }

    @Test
    void discoveryListsBothVersionsWithV2Preferred() {
        String versions = kubectl.run("api-versions").ok();
        assertThat(versions.lines()).contains("autoscaling/v1", "autoscaling/v2", "batch/v1");
        assertThat(versions.lines()).doesNotContain("batch/v1beta1");
        String resources =
                kubectl.run("api-resources", "--api-group=autoscaling").ok();
        assertThat(resources)
                .containsPattern(
                        "horizontalpodautoscalers\\s+hpa\\s+autoscaling/v2\\s+true\\s+HorizontalPodAutoscaler");
    }
}
