package io.kubelite.dashboard.testing;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.metrics.MetricsServerMain;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * kubelite's metrics-server for a {@link DashboardCluster} as a real OS process ({@link
 * MetricsServerMain} in a child JVM on the test class path), found as {@code kubelite up} finds it:
 * its mirror pod {@code kube-system/metrics-server-<id>} (label {@code k8s-app=metrics-server},
 * port {@code https}), the add-on Service {@code kube-system/metrics-server} and APIService {@code
 * v1beta1.metrics.k8s.io} applied with the real kubectl as {@code kubelite addons} applies them. The
 * Service's EndpointSlice comes from the EndpointSlice controller, so the cluster must run it
 * ({@code DashboardCluster.controllers("endpointslice")}). It scrapes every {@link #RESOLUTION} so
 * tests need not wait for metrics-server's 15 s.
 *
 * <p>Nothing runs until {@link #start()} (so a test can see the cluster without metrics first);
 * register it after the cluster and it stops after the class, whether the tests passed or not. Its
 * output goes to {@code target/process-logs}, and a failed wait quotes its tail.
 */
public final class MetricsServerProcess implements AfterAllCallback {
    public static final Duration RESOLUTION = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final String ADDON = """
            apiVersion: v1
            kind: Service
            metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
            spec:
              selector: {k8s-app: metrics-server}
              ports: [{name: https, port: 443, protocol: TCP, targetPort: https}]
            ---
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
            spec:
              group: metrics.k8s.io
              version: v1beta1
              groupPriorityMinimum: 100
              versionPriority: 100
              insecureSkipTLSVerify: true
              service: {namespace: kube-system, name: metrics-server, port: 443}
            """;

    private final DashboardCluster cluster;
    private Process process;
    private Path log;

    public MetricsServerProcess(DashboardCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts the process and registers the add-on, then waits until the API server calls the
     * APIService available and answers {@code metrics.k8s.io} (the first samples may still be
     * missing: kubectl top then says "metrics not available yet"). Does nothing while it runs.
     */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path dir = Files.createDirectories(Path.of("target", "process-logs"));
        log = dir.resolve("metrics-server-" + System.nanoTime() + ".log");
        process = ChildJvm.builder(
                        List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                        MetricsServerMain.class,
                        List.of(
                                "--etcd-endpoints="
                                        + String.join(",", cluster.cluster().etcdEndpoints()),
                                "--etcd-prefix=" + cluster.cluster().etcd().prefix(),
                                "--id=metrics-server-test",
                                "--health-port=0",
                                "--secure-port=0",
                                "--mirror-pod-lease-duration=3s",
                                "--metric-resolution=" + RESOLUTION.toMillis() + "ms",
                                "--kubelet-request-timeout=5s"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Kubectl kubectl = cluster.kubectl();
        kubectl.run(ADDON, Map.of(), "apply", "-f", "-").ok();
        Poll.until(
                WAIT,
                "APIService v1beta1.metrics.k8s.io Available=True (metrics-server's log: " + log + ")",
                () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("metrics-server exited " + process.exitValue() + ":\n" + tail());
                    }
                    return kubectl.run(
                                    "get",
                                    "apiservice",
                                    "v1beta1.metrics.k8s.io",
                                    "-o",
                                    "jsonpath={.status.conditions[?(@.type==\"Available\")].status}"
                                            + " {.status.conditions[?(@.type==\"Available\")].message}")
                            .out();
                },
                out -> out.startsWith("True"));
    }

    /** {@code kill -9}, as a crash: no clean shutdown, its mirror pod stays until its lease expires. */
    public synchronized void kill9() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                throw new AssertionError("metrics-server (pid " + process.pid() + ") outlived kill -9 for 15 s");
            }
        }
    }

    /** The last lines metrics-server printed. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        }
        process = null;
    }
}
