package io.kubelite.e2e;

import io.kubelite.launcher.ComponentKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.testing.EtcdCluster;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A kubelite cluster of real OS processes over a test etcd, with compressed timings.
 * Every process it starts is stopped by {@link #close()} (frozen ones are thawed and
 * killed), whatever the test did; logs stay under {@code target/e2e-logs/<test>/}.
 *
 * <p>Compressed timings (all through the components' flags):
 * leader lease {@link #LEADER_LEASE}; node lease 4 s renewed every 1 s with status every
 * 1 s; node monitor period 500 ms, grace {@link #NODE_GRACE}; eviction rate 100 nodes/s;
 * pod GC every 2 s.
 */
final class Cluster implements AutoCloseable {
    static final Duration LEADER_LEASE = Duration.ofSeconds(4);
    static final Duration NODE_GRACE = Duration.ofSeconds(6);

    final EtcdCluster etcd;
    final String prefix;
    final String token = UUID.randomUUID().toString().replace("-", "");
    final Path logs;
    private final Path tokenFile;
    private final List<Proc> procs = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> apiPorts = new ArrayList<>();
    private Etcd store;

    Cluster(EtcdCluster etcd, String prefix, String testName) {
        this.etcd = etcd;
        this.prefix = prefix;
        this.logs = Path.of("target", "e2e-logs", testName).toAbsolutePath();
        try {
            Files.createDirectories(logs);
            tokenFile = logs.resolve("tokens.csv");
            Files.writeString(tokenFile, token + ",admin,admin-uid,\"system:masters\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Timings.log("cluster logs in " + logs + ", etcd " + etcd.endpointsString() + ", prefix " + prefix);
    }

    private List<String> common(String id) {
        return new ArrayList<>(List.of(
                "--etcd-endpoints",
                etcd.endpointsString(),
                "--etcd-prefix",
                prefix,
                "--id",
                id,
                "--etcd-request-timeout",
                "3s",
                "--etcd-startup-timeout",
                "60s"));
    }

    private Proc add(ComponentKind kind, String id, List<String> args) {
        Proc p = new Proc(kind, id, args, FreePorts.next(), logs.resolve(id + ".log"));
        procs.add(p);
        return p.start();
    }

    Proc apiserver(String id) {
        int port = FreePorts.next();
        List<String> a = common(id);
        // plain HTTP with a bearer token, on purpose: the suite is about failover, and its clients (Api,
        // TcpProxy, fabric8, kl) speak token-over-HTTP; TLS is the apiserver module's tests' subject
        a.addAll(List.of(
                "--secure-port", Integer.toString(port), "--token-auth-file", tokenFile.toString(), "--insecure-http"));
        Proc p = add(ComponentKind.APISERVER, id, a);
        synchronized (apiPorts) {
            apiPorts.add(port);
        }
        p.apiPort = port;
        return p;
    }

    /**
     * An API server serving HTTPS, as kube-apiserver does, with the self-signed CA and serving
     * certificate it makes in {@link #certDir}: what the real kubectl needs, as it sends no token
     * over plain HTTP.
     */
    Proc apiserverHttps(String id) {
        int port = FreePorts.next();
        List<String> a = common(id);
        a.addAll(List.of(
                "--secure-port",
                Integer.toString(port),
                "--token-auth-file",
                tokenFile.toString(),
                "--cert-dir",
                certDir(id).toString()));
        Proc p = add(ComponentKind.APISERVER, id, a);
        synchronized (apiPorts) {
            apiPorts.add(port);
        }
        p.apiPort = port;
        return p;
    }

    private Path certDir(String apiserverId) {
        return logs.resolve(apiserverId + "-pki");
    }

    Proc scheduler(String id) {
        List<String> a = common(id);
        a.addAll(List.of(
                "--leader-elect",
                "true",
                "--leader-lease-duration",
                fmt(LEADER_LEASE),
                "--pod-initial-backoff",
                "200ms",
                "--pod-max-backoff",
                "2s"));
        return add(ComponentKind.SCHEDULER, id, a);
    }

    /** A controller-manager with the compressed timings, plus {@code extraFlags}. */
    Proc controllerManager(String id, String... extraFlags) {
        List<String> a = common(id);
        a.addAll(List.of(
                "--leader-elect",
                "true",
                "--leader-lease-duration",
                fmt(LEADER_LEASE),
                "--node-monitor-period",
                "500ms",
                "--node-monitor-grace-period",
                fmt(NODE_GRACE),
                "--node-startup-grace-period",
                "20s",
                "--node-eviction-rate",
                "100",
                "--secondary-node-eviction-rate",
                "100",
                "--pod-gc-period",
                "2s"));
        a.addAll(List.of(extraFlags));
        return add(ComponentKind.CONTROLLER_MANAGER, id, a);
    }

    /** A kubelet-sim with the compressed timings, plus {@code extraFlags}. */
    Proc kubeletSim(String id, String nodePrefix, int nodes, String zones, String... extraFlags) {
        List<String> a = common(id);
        a.addAll(List.of(
                "--nodes",
                Integer.toString(nodes),
                "--node-name-prefix",
                nodePrefix,
                "--zones",
                zones,
                "--node-lease-duration",
                "4s",
                "--node-lease-renew-interval",
                "1s",
                "--node-status-update-frequency",
                "1s",
                "--max-pods",
                "110"));
        a.addAll(List.of(extraFlags));
        return add(ComponentKind.KUBELET_SIM, id, a);
    }

    /** The cluster DNS server on 127.0.0.1:{@code port} (UDP and TCP). */
    Proc dns(String id, int port) {
        List<String> a = common(id);
        a.addAll(List.of("--port", Integer.toString(port), "--ttl", "1"));
        return add(ComponentKind.DNS, id, a);
    }

    /** kube-proxy for every node, serving the rules on 127.0.0.1:{@code rulesPort}. */
    Proc kubeProxy(String id, int rulesPort) {
        List<String> a = common(id);
        a.addAll(List.of("--rules-port", Integer.toString(rulesPort), "--cluster-cidr", "10.244.0.0/16"));
        return add(ComponentKind.KUBE_PROXY, id, a);
    }

    /** metrics-server on 127.0.0.1:{@code securePort} (HTTPS), scraping every {@code resolution}. */
    Proc metricsServer(String id, int securePort, Duration resolution) {
        List<String> a = common(id);
        a.addAll(List.of(
                "--secure-port",
                Integer.toString(securePort),
                "--metric-resolution",
                fmt(resolution),
                "--kubelet-request-timeout",
                "2s"));
        return add(ComponentKind.METRICS_SERVER, id, a);
    }

    /**
     * The log store on 127.0.0.1:{@code port} with its index in {@code dataDir}; kubelet-sims ship
     * to it with {@code --log-store-address 127.0.0.1:<port>} among their extra flags.
     */
    Proc logStore(String id, int port, Path dataDir) {
        List<String> a = common(id);
        a.addAll(List.of("--port", Integer.toString(port), "--data-dir", dataDir.toString()));
        return add(ComponentKind.LOG_STORE, id, a);
    }

    /** Waits until each process answers {@code /readyz} with 200; fails naming the one that did not. */
    void awaitReady(Duration timeout, Proc... ps) {
        long t0 = System.nanoTime();
        for (Proc p : ps) {
            Poll.until(
                    timeout,
                    p.id + " ready (" + p.log + ")",
                    () -> {
                        if (!p.alive()) {
                            throw new AssertionError(p + " exited; log:\n" + p.logTail(30));
                        }
                        return p.ready() ? "ready" : "not ready; log tail:\n" + p.logTail(10);
                    },
                    "ready"::equals);
        }
        Timings.log("ready: " + java.util.Arrays.stream(ps).map(p -> p.id).collect(Collectors.joining(", ")) + " after "
                + Timings.ms(t0) + " ms");
    }

    /** The one process among {@code ps} that reports itself leader, if exactly one does. */
    static Optional<Proc> leader(List<Proc> ps) {
        List<Proc> l = ps.stream().filter(Proc::alive).filter(Proc::leading).toList();
        return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
    }

    static Proc awaitLeader(Duration timeout, List<Proc> ps) {
        Poll.until(
                timeout,
                "exactly one leader among " + ps,
                () -> leadership(ps),
                m -> m.values().stream().filter("leading"::equals).count() == 1);
        return leader(ps).orElseThrow(() -> new AssertionError("leadership changed again: " + leadership(ps)));
    }

    /**
     * The earliest a standby may lead after the leader stopped renewing: its lease was last
     * renewed at most one renew interval (a third of the lease) before, so etcd cannot expire
     * it sooner than two thirds of the lease after the stop. Leading earlier would mean two
     * leaders.
     */
    static long earliestTakeoverMillis() {
        return LEADER_LEASE.toMillis() * 2 / 3;
    }

    /** Waits until {@code p} reports itself leader; a timeout names what each of {@code peers} reported. */
    static void awaitLeads(Proc p, Duration timeout, List<Proc> peers) {
        Poll.until(
                timeout,
                p.id + " leads (leadership by process)",
                () -> leadership(peers),
                m -> "leading".equals(m.get(p.id)));
    }

    /** Per process: leading, standby or dead (for failure messages). */
    static java.util.Map<String, String> leadership(List<Proc> ps) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        for (Proc p : ps) {
            m.put(p.id, !p.alive() ? "dead" : p.leading() ? "leading" : "standby");
        }
        return m;
    }

    Api api(Proc apiserver) {
        return new Api("http://127.0.0.1:" + apiserver.apiPort, token);
    }

    /**
     * A kubeconfig for {@code apiserver}, one {@link #apiserverHttps} started: the cluster's token
     * and the server's CA, in the logs directory (written every time: the directory outlives a
     * run of the test).
     */
    Path kubeconfig(Proc apiserver) throws IOException {
        Path dir = logs.resolve("kubectl-" + apiserver.id);
        Path cfg = dir.resolve("kubeconfig");
        Path ca = certDir(apiserver.id).resolve("ca.crt");
        if (!Files.exists(ca)) {
            throw new AssertionError(apiserver.id + " has no " + ca
                    + ": kubectl needs an API server started with apiserverHttps (it sends no token over HTTP)");
        }
        Files.createDirectories(dir);
        Files.writeString(
                cfg,
                "apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: https://127.0.0.1:"
                        + apiserver.apiPort + "\n    certificate-authority: " + ca
                        + "\ncontexts:\n- name: e2e\n  context:\n    cluster: e2e\n"
                        + "    user: e2e\ncurrent-context: e2e\nusers:\n- name: e2e\n  user:\n    token: "
                        + token + "\n");
        return cfg;
    }

    /**
     * Runs {@code kubelite addons} (the kube-dns Service, metrics-server's Service and APIService) against {@code apiserver}, as {@code
     * kubelite up} and the compose stack do; fails with its output unless it exits 0 within a minute.
     */
    void addons(Proc apiserver) {
        try {
            Path out = logs.resolve("addons.log");
            List<String> cmd = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    Proc.componentClasspath(),
                    io.kubelite.launcher.KubeliteMain.class.getName(),
                    "addons",
                    "--kubeconfig",
                    kubeconfig(apiserver).toString());
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubelite addons did not finish within 60 s: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("kubelite addons exited " + p.exitValue() + ": " + Files.readString(out));
            }
            Timings.log("addons: " + Files.readString(out).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the real {@code kubectl} against {@code apiserver}, one {@link #apiserverHttps} started
     * (through a kubeconfig with the cluster's token and the server's CA, in the logs directory), and returns its stdout; a non-zero exit or a
     * run longer than a minute fails with what it printed.
     */
    String kubectl(Proc apiserver, String... args) {
        KubectlResult r = kubectlResult(apiserver, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + r.exitCode() + "; stdout: "
                    + r.out() + " stderr: " + r.err());
        }
        Timings.log("kubectl " + String.join(" ", args) + ": " + r.out().strip());
        return r.out();
    }

    /** What one kubectl run printed and its exit code. */
    record KubectlResult(int exitCode, String out, String err) {}

    /** As {@link #kubectl}, but a non-zero exit is returned, not thrown (a run over a minute still fails). */
    KubectlResult kubectlResult(Proc apiserver, String... args) {
        try {
            Path cfg = kubeconfig(apiserver);
            Path dir = cfg.getParent();
            List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + cfg));
            cmd.addAll(List.of(args));
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("KUBECACHEDIR", dir.resolve("cache").toString());
            Process p = pb.start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within 60 s; stderr: " + Files.readString(err));
            }
            return new KubectlResult(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A store client on the cluster's etcd and prefix (for history reads), closed with the cluster. */
    synchronized Etcd store() {
        if (store == null) {
            store = Etcd.connect(new EtcdConfig(etcd.endpoints(), prefix, Duration.ofSeconds(10)));
        }
        return store;
    }

    void closeLater(AutoCloseable c) {
        closeables.add(c);
    }

    /** Fails if any process not in {@code except} has exited. */
    void assertAllAliveExcept(Proc... except) {
        List<Proc> skip = List.of(except);
        List<String> dead = new ArrayList<>();
        for (Proc p : procs) {
            if (!skip.contains(p) && !p.alive()) {
                dead.add(p + ": " + p.logTail(15));
            }
        }
        if (!dead.isEmpty()) {
            throw new AssertionError("components exited: \n" + String.join("\n---\n", dead));
        }
    }

    /** Asserts that no process was started more than once (no restart was needed). */
    void assertNoRestarts() {
        for (Proc p : procs) {
            if (p.starts() != 1) {
                throw new AssertionError(p.id + " was started " + p.starts() + " times");
            }
        }
    }

    List<Proc> procs() {
        return List.copyOf(procs);
    }

    static String fmt(Duration d) {
        return d.toMillis() + "ms";
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        List<Proc> rev = new ArrayList<>(procs);
        Collections.reverse(rev);
        for (Proc p : rev) {
            p.sigcont();
        }
        // parallel SIGKILL: the test is over, nothing to hand over
        rev.parallelStream().forEach(Proc::kill9);
        for (Proc p : rev) {
            if (p.alive()) {
                throw new AssertionError(p + " survived SIGKILL");
            }
        }
        if (store != null) {
            store.close();
        }
    }
}
