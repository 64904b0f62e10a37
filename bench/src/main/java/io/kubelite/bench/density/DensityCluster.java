package io.kubelite.bench.density;

import io.kubelite.bench.common.ComponentProcess;
import io.kubelite.bench.common.ThrowawayEtcd;
import io.kubelite.bench.common.Trees;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.local.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster a density run measures: either one it starts — a throw-away etcd (unless
 * {@code --etcd-endpoints} names one), then the API server (HTTPS, a self-signed CA, one admin
 * token), kubelet-sim, the controller-manager and the scheduler, each its own OS process under a
 * fresh etcd prefix — or a running one it attaches to through a kubeconfig or a server URL and
 * token, plus its etcd. Either way it holds a client for the API server (as any client) and one
 * for etcd (for the raw figures and the etcd-side pod timeline).
 *
 * <p>{@link #close()} (idempotent; also run by a shutdown hook, so ^C cleans up) stops every
 * process it started, by its pid, and deletes its temporary directory; an attached cluster is left
 * as it was, but for what the benchmark created in it.
 */
final class DensityCluster implements AutoCloseable {
    static final String NODE_PREFIX = "density-node-";

    private final List<ComponentProcess> processes = new ArrayList<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "density-cluster-stop");
    private Path tempDir;
    private ThrowawayEtcd ownEtcd;
    private Etcd etcd;
    private String endpoints;
    private ApiServerConnection api;
    private String token;
    private boolean keepLogs;
    private Map<String, String> jvmArgsFor = Map.of();
    private String jvmArgs = "";
    private boolean closed;

    private DensityCluster() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** What the flags ask for: a cluster to start, or one to attach to. */
    record Spec(
            String server,
            String token,
            Path kubeconfig,
            String etcdEndpoints,
            String etcdPrefix,
            int nodes,
            String componentHeap,
            String simHeap,
            Duration simHousekeepingInterval,
            int simNodeLeaseBatchSize,
            String jvmArgs,
            Map<String, String> jvmArgsFor,
            String logLevel,
            Path logDir) {
        boolean attach() {
            return server != null || kubeconfig != null;
        }
    }

    /** Starts or attaches; on any failure stops what it had started and rethrows. */
    static DensityCluster open(Spec spec) throws Exception {
        DensityCluster c = new DensityCluster();
        try {
            if (spec.attach()) {
                c.attach(spec);
            } else {
                c.start(spec);
            }
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void attach(Spec spec) throws IOException {
        if (spec.etcdEndpoints() == null) {
            throw new IllegalArgumentException(
                    "attaching to a cluster needs its etcd too (--etcd-endpoints): the raw etcd figures and the"
                            + " etcd-side pod timeline are measured on it");
        }
        tempDir = Files.createTempDirectory("kubelite-density");
        Path kubeconfig = spec.kubeconfig();
        if (kubeconfig == null) {
            if (spec.token() == null) {
                throw new IllegalArgumentException("--server needs --token (or give --kubeconfig instead)");
            }
            // a server URL and token alone carry no CA: trust the server's certificate as kubectl's
            // --insecure-skip-tls-verify would; the benchmark only reads timings through it
            kubeconfig = tempDir.resolve("kubeconfig");
            Files.writeString(kubeconfig, kubeconfig(spec.server(), null, spec.token()));
        }
        api = ApiServerConnection.fromKubeconfig(kubeconfig);
        endpoints = spec.etcdEndpoints();
        etcd = connectEtcd(spec.etcdPrefix());
    }

    private void start(Spec spec) throws Exception {
        tempDir = Files.createTempDirectory("kubelite-density");
        keepLogs = spec.logDir() != null;
        jvmArgs = spec.jvmArgs();
        jvmArgsFor = spec.jvmArgsFor();
        Path logs = keepLogs ? spec.logDir() : tempDir;
        Files.createDirectories(logs);
        if (spec.etcdEndpoints() == null) {
            ownEtcd = ThrowawayEtcd.start("density", logs.resolve("etcd.log"));
            endpoints = ownEtcd.endpoint();
            pids.put("etcd", ownEtcd.pid());
        } else {
            endpoints = spec.etcdEndpoints();
        }
        // a fresh prefix: a shared etcd may hold other runs' clusters
        etcd = connectEtcd("/density-" + Long.toHexString(System.nanoTime()) + "/registry");
        List<String> common =
                List.of("--etcd-endpoints", endpoints, "--etcd-prefix", etcd.prefix(), "--log-level", spec.logLevel());
        token = UUID.randomUUID().toString();
        Path tokens = tempDir.resolve("tokens.csv");
        Files.writeString(tokens, token + ",density-admin,uid-density-admin,\"system:masters\"\n");
        int port = LoopbackPorts.free();
        ComponentProcess apiserver = start(
                "apiserver",
                "io.kubelite.apiserver.ApiServerMain",
                spec.componentHeap(),
                concat(
                        common,
                        "--secure-port",
                        Integer.toString(port),
                        "--cert-dir",
                        tempDir.resolve("pki").toString(),
                        "--token-auth-file",
                        tokens.toString()),
                logs);
        start(
                "controller-manager",
                "io.kubelite.controllers.ControllerManagerMain",
                spec.componentHeap(),
                // 1,000 nodes need more /24s than the default 10.244.0.0/16 holds
                concat(common, "--cluster-cidr", "10.0.0.0/8"),
                logs);
        start("scheduler", "io.kubelite.scheduler.SchedulerMain", spec.componentHeap(), common, logs);
        start(
                "kubelet-sim",
                "io.kubelite.kubelet.KubeletSimMain",
                spec.simHeap(),
                concat(
                        common,
                        "--nodes",
                        Integer.toString(spec.nodes()),
                        "--node-name-prefix",
                        NODE_PREFIX,
                        "--pod-cidr-fallback",
                        "10.0.0.0/8",
                        "--housekeeping-interval",
                        spec.simHousekeepingInterval().toMillis() + "ms",
                        "--node-lease-batch-size",
                        Integer.toString(spec.simNodeLeaseBatchSize())),
                logs);
        for (ComponentProcess p : processes) {
            if (!p.awaitReady(Duration.ofMinutes(5))) {
                throw new IllegalStateException(p.name() + " did not become ready within 5 min; see " + p.log());
            }
        }
        Path kubeconfig = tempDir.resolve("kubeconfig");
        Files.writeString(
                kubeconfig,
                kubeconfig("https://127.0.0.1:" + port, tempDir.resolve("pki").resolve("ca.crt"), token));
        api = ApiServerConnection.fromKubeconfig(kubeconfig);
        System.out.printf(
                "started etcd %s and %s; logs in %s%n",
                endpoints,
                processes.stream().map(p -> p.name() + " (pid " + p.pid() + ")").toList(),
                logs);
    }

    private ComponentProcess start(String name, String main, String heap, List<String> args, Path logs)
            throws IOException {
        // the whole heap from the start, as servers run: a heap grown on demand is grown by full
        // collections (0.4-0.7 s each with the serial collector), which the latency tail shows
        List<String> jvm = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        // every component's (e.g. the collector), then e.g. a flight recording of the one being profiled
        for (String extra : List.of(jvmArgs, jvmArgsFor.getOrDefault(name, ""))) {
            if (!extra.isBlank()) {
                jvm.addAll(List.of(extra.strip().split("\\s+")));
            }
        }
        if (keepLogs) {
            // kept logs also get each JVM's GC log: a latency tail may be a collection's pause
            jvm.add("-Xlog:gc:file=" + logs.resolve(name + "-gc.log"));
        }
        ComponentProcess p = ComponentProcess.start(name, main, jvm, args, logs.resolve(name + ".log"));
        processes.add(p);
        pids.put(name, p.pid());
        return p;
    }

    private Etcd connectEtcd(String prefix) {
        return Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)));
    }

    private static String kubeconfig(String server, Path ca, String token) {
        String cluster = ca == null
                ? "{server: \"" + server + "\", insecure-skip-tls-verify: true}"
                : "{server: \"" + server + "\", certificate-authority: \"" + ca + "\"}";
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: density
                  cluster: %s
                users:
                - name: density
                  user: {token: "%s"}
                contexts:
                - name: density
                  context: {cluster: density, user: density}
                current-context: density
                """.formatted(cluster, token);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    ApiServerConnection api() {
        return api;
    }

    Etcd etcd() {
        return etcd;
    }

    /** The admin token of a cluster this run started (null when attached). */
    String token() {
        return token;
    }

    String etcdEndpoints() {
        return endpoints;
    }

    /** The first etcd endpoint, as a URL. */
    String etcdEndpoint() {
        String first = endpoints.split(",")[0];
        return first.startsWith("http") ? first : "http://" + first;
    }

    /** Processes this run started (name → pid), etcd first; empty when attached. */
    Map<String, Long> pids() {
        return pids;
    }

    boolean started() {
        return !processes.isEmpty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        if (etcd != null) {
            etcd.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (ownEtcd != null) {
                ownEtcd.close();
            }
            if (tempDir != null) {
                Trees.delete(tempDir);
            }
        } catch (IOException e) {
            System.err.println("could not remove " + tempDir + ": " + e.getMessage());
        }
    }
}
