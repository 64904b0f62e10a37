package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl top} through the real processes: an HTTPS API server, controller-manager,
 * scheduler, a kubelet-sim with a fixed {@code --usage-seed}, {@code kubelite addons} (metrics-server's
 * Service and APIService) and {@code kubelite metrics-server}, found by the API server's aggregation
 * layer through its mirror pod's EndpointSlice. {@code kubectl top nodes} and {@code kubectl top pods
 * --containers} print kubectl's columns with values of the right shape; metrics-server killed with
 * -9 makes {@code kubectl top} fail as kube's does (the service unavailable, or the metrics API gone
 * from discovery once the APIService is marked unavailable), and a restarted one brings it back.
 * */
class MetricsServerTopTest extends E2eBase {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String NODE_ROW = "m-node-\\d+\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s+";

    private Proc api;

    @Test
    void kubectlTopShowsNodesAndContainersAndSurvivesAMetricsServerKill() throws Exception {
        api = cluster.apiserverHttps("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc sim = cluster.kubeletSim("kubelet-sim-0", "m-node-", 2, "zone-a", "--usage-seed", "7");
        Proc metrics = cluster.metricsServer("metrics-server-0", FreePorts.next(), Duration.ofSeconds(2));
        cluster.awaitReady(Duration.ofSeconds(120), api, cm, sched, sim, metrics);
        Poll.until(
                Duration.ofSeconds(60),
                "2 Ready nodes",
                () -> kubectl("get", "nodes", "--no-headers"),
                out -> out.lines().filter(l -> l.contains(" Ready ")).count() == 2);
        cluster.addons(api);
        // the API server routes metrics.k8s.io to the process through its mirror pod's endpoint
        Poll.until(
                WAIT,
                "kubectl top nodes to reach metrics-server (output, or 'metrics not available yet')",
                () -> cluster.kubectlResult(api, "top", "nodes"),
                r -> r.exitCode() == 0 || r.err().contains("error: metrics not available yet"));
        assertThat(kubectl("get", "apiservice", "v1beta1.metrics.k8s.io", "--no-headers"))
                .matches("v1beta1\\.metrics\\.k8s\\.io\\s+kube-system/metrics-server\\s+True\\s+\\S+\\s*");
        Path manifest =
                Files.createDirectories(cluster.logs.resolve("manifests")).resolve("web.yaml");
        Files.writeString(manifest, WEB);
        kubectl("apply", "-f", manifest.toString());
        Poll.until(
                Duration.ofSeconds(60),
                "pod web Running",
                () -> kubectl("get", "pod", "web", "-o", "jsonpath={.status.phase}"),
                "Running"::equals);

        String nodes = awaitTop(
                "kubectl top nodes: a header and 2 node rows",
                out -> {
                    List<String> l = out.lines().toList();
                    return l.size() == 3
                            && l.get(0)
                                    .matches(
                                            "NAME\\s+CPU\\(cores\\)\\s+CPU\\(%\\)\\s+MEMORY\\(bytes\\)\\s+MEMORY\\(%\\)\\s+")
                            && l.get(1).matches(NODE_ROW)
                            && l.get(2).matches(NODE_ROW);
                },
                "top",
                "nodes");
        assertThat(nodes.lines().skip(1).map(l -> l.split("\\s+")[0])).containsExactly("m-node-0", "m-node-1");

        // the annotations fix each container's usage, so the rates metrics-server computes from two
        // cumulative samples are exact: kubectl's columns with exactly these values
        awaitTop(
                "kubectl top pods --containers: web's two containers at their annotated usage",
                out -> out.equals("""
                        POD   NAME      CPU(cores)   MEMORY(bytes)  \s
                        web   app       250m         64Mi           \s
                        web   sidecar   10m          8Mi            \s
                        """),
                "top",
                "pods",
                "--containers");

        metrics.kill9();
        Cluster.KubectlResult down = Poll.until(
                WAIT,
                "kubectl top nodes to fail as kube's does with metrics-server dead",
                () -> cluster.kubectlResult(api, "top", "nodes"),
                r -> r.exitCode() != 0
                        && (r.err().contains("ServiceUnavailable") || r.err().contains("Metrics API not available")));
        assertThat(down.out()).isEmpty();

        metrics.start();
        awaitTop(
                "kubectl top nodes back after the metrics-server restart",
                out -> out.lines().skip(1).filter(l -> l.matches(NODE_ROW)).count() == 2,
                "top",
                "nodes");
        cluster.assertAllAliveExcept();
    }

    private String awaitTop(String what, java.util.function.Predicate<String> done, String... args) {
        return Poll.until(
                        WAIT,
                        what,
                        () -> cluster.kubectlResult(api, args),
                        r -> r.exitCode() == 0 && done.test(r.out()))
                .out();
    }

    private String kubectl(String... args) {
        return cluster.kubectl(api, args);
    }

    private static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web}
              annotations:
                sim.kubelite.io/cpu-usage.app: 250m
                sim.kubelite.io/memory-usage.app: 64Mi
                sim.kubelite.io/cpu-usage.sidecar: 10m
                sim.kubelite.io/memory-usage.sidecar: 8Mi
            spec:
              containers:
              - name: app
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: [serve-hostname]
              - name: sidecar
                image: busybox
                command: [sleep, "3600"]
            """;
}
