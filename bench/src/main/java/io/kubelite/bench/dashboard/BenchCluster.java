package io.kubelite.bench.dashboard;

import io.kubelite.bench.common.ComponentProcess;
import io.kubelite.store.local.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The processes the dashboard benchmark runs, each its own OS process as {@code kubelite up} runs
 * them: the API server (HTTPS with a self-signed CA in the log directory, one admin token), a
 * kubelet-sim simulating the nodes in two zones, and the dashboard acting with a kubeconfig holding
 * that token, started with a one-time login code. {@link #close()} stops them in reverse order.
 */
final class BenchCluster implements AutoCloseable {
    static final String NODE_PREFIX = "db-node-";
    static final String TOKEN = "dashboard-bench-admin-token-0123456789";

    private final List<ComponentProcess> processes = new ArrayList<>();
    private final Path dir;
    private ComponentProcess apiserver;
    private ComponentProcess sim;
    private ComponentProcess dashboard;
    private int apiPort;
    private int dashboardPort;
    private String loginCode;

    BenchCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts the API server and kubelet-sim and waits until both are ready and the nodes registered. */
    void start(String etcdEndpoints, String etcdPrefix, int nodes, String logLevel) throws Exception {
        List<String> common =
                List.of("--etcd-endpoints", etcdEndpoints, "--etcd-prefix", etcdPrefix, "--log-level", logLevel);
        Path tokens = dir.resolve("tokens.csv");
        Files.writeString(tokens, TOKEN + ",admin,uid-admin,\"system:masters\"\n");
        apiPort = LoopbackPorts.free();
        List<String> apiArgs = new ArrayList<>(common);
        apiArgs.addAll(List.of(
                "--secure-port", Integer.toString(apiPort),
                "--cert-dir", dir.resolve("pki").toString(),
                "--token-auth-file", tokens.toString()));
        apiserver = start("apiserver", "io.kubelite.apiserver.ApiServerMain", "2g", apiArgs);
        List<String> simArgs = new ArrayList<>(common);
        simArgs.addAll(List.of(
                "--nodes",
                Integer.toString(nodes),
                "--node-name-prefix",
                NODE_PREFIX,
                "--zones",
                "zone-a,zone-b",
                "--pod-cidr-fallback",
                "10.0.0.0/8"));
        sim = start("kubelet-sim", "io.kubelite.kubelet.KubeletSimMain", "2g", simArgs);
        await(apiserver, Duration.ofMinutes(2));
        await(sim, Duration.ofMinutes(10));
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bench
                  cluster: {server: "https://127.0.0.1:%d", certificate-authority: "%s"}
                users:
                - name: admin
                  user: {token: "%s"}
                contexts:
                - name: bench
                  context: {cluster: bench, user: admin}
                current-context: bench
                """.formatted(
                        apiPort, dir.resolve("pki").resolve("ca.crt"), TOKEN));
        this.common = common;
    }

    private List<String> common;

    /** Starts the dashboard (after the pods exist, so its first list is the whole cluster). */
    void startDashboard(String heap) throws Exception {
        loginCode = UUID.randomUUID().toString().replace("-", "");
        Path codeFile = dir.resolve("login-code");
        Files.writeString(codeFile, loginCode);
        dashboardPort = LoopbackPorts.free();
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(
                "--kubeconfig", dir.resolve("kubeconfig").toString(),
                "--port", Integer.toString(dashboardPort),
                "--login-code-file", codeFile.toString()));
        dashboard = start("dashboard", "io.kubelite.dashboard.DashboardMain", heap, args);
        await(dashboard, Duration.ofMinutes(5));
    }

    private ComponentProcess start(String name, String main, String heap, List<String> args) throws IOException {
        ComponentProcess p = ComponentProcess.start(
                name, main, List.of("-Xmx" + heap, "-XX:+UseParallelGC"), args, dir.resolve(name + ".log"));
        processes.add(p);
        return p;
    }

    private static void await(ComponentProcess p, Duration timeout) throws InterruptedException {
        if (!p.awaitReady(timeout)) {
            throw new IllegalStateException(p.name() + " not ready in " + timeout + "; see " + p.log());
        }
    }

    String apiServer() {
        return "https://127.0.0.1:" + apiPort;
    }

    Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    String dashboardUrl() {
        return "http://127.0.0.1:" + dashboardPort;
    }

    String loginLink() {
        return dashboardUrl() + "/?login=" + loginCode;
    }

    ComponentProcess dashboard() {
        return dashboard;
    }

    ComponentProcess apiserverProcess() {
        return apiserver;
    }

    ComponentProcess sim() {
        return sim;
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
