package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl's {@code patch} with each of its three types (strategic merge by default,
 * {@code --type=merge}, {@code --type=json}), a no-op patch and a bad one, and
 * {@code wait --for=condition=Ready} / {@code --for=delete} / {@code --for=jsonpath} while the
 * condition comes true (the status written as a kubelet would).
 */
class KubectlPatchAndWaitTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();
    final TestApiServer api = CLUSTER.api();

    static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":{\"containers\":["
                + "{\"name\":\"app\",\"image\":\"nginx:1.25\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]},"
                + "{\"name\":\"side\",\"image\":\"busybox\"}]}}";
    }

    @Test
    void patchOfEachType() {
        assertThat(api.post("/api/v1/namespaces/default/pods", pod("web")).code())
                .isEqualTo(201);
        // strategic (kubectl's default): containers merge by name (a pod's spec allows only images to change)
        assertThat(kubectl.run(
                                "patch",
                                "pod",
                                "web",
                                "-p",
                                "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.27\"}]}}")
                        .ok())
                .isEqualTo("pod/web patched\n");
        assertThat(kubectl.run(
                                "get",
                                "pod",
                                "web",
                                "-o",
                                "jsonpath={.spec.containers[*].name} {.spec.containers[0].image} {.spec.containers[0].env[*].name}")
                        .ok())
                .isEqualTo("app side nginx:1.27 A");

        assertThat(kubectl.run(
                                "patch",
                                "pod",
                                "web",
                                "--type=merge",
                                "-p",
                                "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}")
                        .ok())
                .isEqualTo("pod/web patched\n");
        assertThat(kubectl.run(
                                "patch",
                                "pod",
                                "web",
                                "--type=merge",
                                "-p",
                                "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}")
                        .ok())
                .isEqualTo("pod/web patched (no change)\n");

        assertThat(kubectl.run(
                                "patch",
                                "pod",
                                "web",
                                "--type=json",
                                "-p",
                                "[{\"op\":\"replace\",\"path\":\"/spec/containers/1/image\",\"value\":\"busybox:1.36\"},"
                                        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/tier\"}]")
                        .ok())
                .isEqualTo("pod/web patched\n");
        assertThat(kubectl.run("get", "pod", "web", "-o", "jsonpath={.spec.containers[1].image} {.metadata.labels}")
                        .ok())
                .isEqualTo("busybox:1.36 ");

        Kubectl.Result bad = kubectl.run(
                "patch", "pod", "web", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/labels/none\"}]");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("The request is invalid");
    }

    @Test
    void waitForConditionJsonpathAndDelete() {
        assertThat(api.post("/api/v1/namespaces/default/pods", pod("slow")).code())
                .isEqualTo(201);
        try (Kubectl.Background ready = kubectl.start("wait", "--for=condition=Ready", "pod/slow", "--timeout=60s");
                Kubectl.Background phase =
                        kubectl.start("wait", "--for=jsonpath={.status.phase}=Running", "pod/slow", "--timeout=60s")) {
            // both are waiting: give them a change that does not satisfy them first
            assertThat(api.patch(
                                    "/api/v1/namespaces/default/pods/slow/status",
                                    "application/merge-patch+json",
                                    "{\"status\":{\"phase\":\"Pending\"}}")
                            .code())
                    .isEqualTo(200);
            assertThat(api.patch(
                                    "/api/v1/namespaces/default/pods/slow/status",
                                    "application/strategic-merge-patch+json",
                                    "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}")
                            .code())
                    .isEqualTo(200);
            assertThat(ready.awaitLine(l -> !l.isBlank(), Duration.ofSeconds(60)))
                    .isEqualTo("pod/slow condition met");
            assertThat(phase.awaitLine(l -> !l.isBlank(), Duration.ofSeconds(60)))
                    .isEqualTo("pod/slow condition met");
        }
        // -v=6 logs each request: deleting only once kubectl watches, since a pod already gone when
        // kubectl first looks it up makes `wait --for=delete` exit 0 without a word
        try (Kubectl.Background gone = kubectl.start("wait", "--for=delete", "pod/slow", "--timeout=60s", "-v=6")) {
            gone.awaitLine(l -> l.contains("watch=true"), Duration.ofSeconds(60));
            assertThat(kubectl.run("delete", "pod", "slow", "--wait=false").ok())
                    .isEqualTo("pod \"slow\" deleted\n");
            assertThat(gone.awaitLine(l -> l.startsWith("pod/"), Duration.ofSeconds(60)))
                    .isEqualTo("pod/slow condition met");
        }
        Kubectl.Result timeout = kubectl.run("wait", "--for=condition=Ready", "pod/none", "--timeout=1s");
        assertThat(timeout.exitCode()).isEqualTo(1);
        assertThat(timeout.err()).isEqualTo("Error from server (NotFound): pods \"none\" not found\n");
    }
}
