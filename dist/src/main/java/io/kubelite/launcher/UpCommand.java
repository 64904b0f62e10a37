package io.kubelite.launcher;

import io.kubelite.apiserver.RuntimeConfig;
import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import io.kubelite.store.local.LoopbackPorts;
import io.kubelite.store.runtime.DurationConverter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelite up}: etcd, an API server, a controller-manager, a scheduler, the log store, a
 * kubelet-sim (its node log agents shipping to the log store, spooling under the cluster
 * directory), the cluster DNS server, kube-proxy and metrics-server as separate OS processes,
 * started in that order, each waited for until ready; then the
 * add-on objects (the kube-dns Service, metrics-server's Service and APIService, the log-store Service,
 * {@link ClusterAddons}) through the API server, as {@code kubelite addons} does, its cluster
 * IP the Service range's tenth address as kubeadm picks it. The API server serves HTTPS with
 * a cluster CA, a serving certificate and an admin client certificate made on the first
 * {@code up} and reused after (plain HTTP only with {@code --insecure-http}). Stays in the foreground; Ctrl-C (or {@code kubelite down}) stops everything it
 * started, in reverse order. Data survives: a second {@code up} keeps the first's etcd data.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start a local cluster (Ctrl-C stops it).")
final class UpCommand implements Callable<Integer> {
    @Option(
            names = "--dir",
            defaultValue = ".kubelite",
            description = "State, logs and etcd data (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--nodes", defaultValue = "3", description = "Simulated nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--zones",
            defaultValue = "zone-a,zone-b",
            description = "Zones the nodes spread over (default: ${DEFAULT-VALUE}).")
    String zones;

    @Option(names = "--node-name-prefix", defaultValue = "node-", description = "(default: ${DEFAULT-VALUE})")
    String nodePrefix;

    @Option(
            names = "--port",
            defaultValue = "6443",
            description = "API server port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--tls-san",
            split = ",",
            description = "Extra names (IPs or DNS names) of the API server's certificate, beside 127.0.0.1 and "
                    + "localhost; repeatable or comma-separated.")
    List<String> tlsSans = List.of();

    @Option(
            names = "--insecure-http",
            description = "Serve plain HTTP with a bearer token instead of HTTPS with client certificates "
                    + "(the real kubectl sends no token over plain HTTP: kl and fabric8 only).")
    boolean insecureHttp;

    @Option(
            names = "--runtime-config",
            description = "Passed to the API server: built-in group-versions to serve beyond the GA defaults, as"
                    + " kube-apiserver's (batch/v1beta1=true, api/beta=true, batch/v1=false).")
    String runtimeConfig;

    @Option(
            names = "--etcd-endpoints",
            description = "Use this etcd instead of starting one (default: $ETCD_ENDPOINTS, else the etcd binary).")
    String etcdEndpoints;

    @Option(
            names = "--encryption-provider-config",
            paramLabel = "FILE",
            description = "kube's EncryptionConfiguration, passed to every component (all of them read etcd;"
                    + " see docs/security.md).")
    Path encryptionProviderConfig;

    @Option(
            names = "--time-scale",
            defaultValue = "1",
            description = "Shrinks kubelet-sim's durations (default: ${DEFAULT-VALUE}).")
    String timeScale;

    @Option(
            names = "--timeout",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "How long to wait for each component to become ready (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--dns-port",
            defaultValue = "0",
            description = "Port of the cluster DNS server on 127.0.0.1, UDP and TCP; 0 picks a free one, printed "
                    + "when it is ready (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(
            names = "--service-cluster-ip-range",
            description =
                    "Passed to the API server: the CIDR Services' ClusterIPs come from (its default: 10.96.0.0/12).")
    String serviceClusterIpRange;

    @Option(
            names = "--service-node-port-range",
            description = "Passed to the API server: the ports node ports come from (its default: 30000-32767).")
    String serviceNodePortRange;

    @Option(
            names = "--metric-resolution",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "Passed to metrics-server: how often it scrapes the kubelets (default: ${DEFAULT-VALUE}).")
    Duration metricResolution;

    @Option(
            names = {"-d", "--detach"},
            description = "Return once the cluster is ready, leaving it running.")
    boolean detach;

    /** Issuer of service-account tokens: kubeadm's, the API server's in-cluster name. */
    static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

    /** The pod network: the controller-manager cuts node pod CIDRs from it, kube-proxy masquerades outside it. */
    static final String CLUSTER_CIDR = "10.244.0.0/16";

    /** kube-proxy's metrics port, where kubelet-sims look for their nodes' rules unless told otherwise. */
    static final int KUBE_PROXY_RULES_PORT = 10249;
    /** Loki's port, the log store's default. */
    static final int LOG_STORE_PORT = 3100;

    private final PrintStream out = System.out;
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        if (runtimeConfig != null) {
            try {
                RuntimeConfig.parse(runtimeConfig); // a typo is reported before anything starts
            } catch (IllegalArgumentException e) {
                System.err.println("kubelite up: " + e.getMessage());
                return 2;
            }
        }
        if (encryptionProviderConfig != null) {
            try {
                StorageEncryption.load(encryptionProviderConfig); // a bad file is reported before anything starts
            } catch (IllegalArgumentException e) {
                System.err.println("kubelite up: " + e.getMessage());
                return 2;
            }
        }
        // kubeadm's choice: the Service range's tenth address (10.96.0.10 for the API server's default)
        String dnsIp = KubeDnsService.DEFAULT_IP;
        if (serviceClusterIpRange != null) {
            try {
                dnsIp = KubeDnsService.ipFor(serviceClusterIpRange); // a typo is reported before anything starts
            } catch (IllegalArgumentException e) {
                System.err.println("kubelite up: " + e.getMessage());
                return 2;
            }
        }
        ClusterLayout layout = new ClusterLayout(dir.toAbsolutePath().normalize());
        Files.createDirectories(layout.logs());
        Optional<ClusterState> existing = ClusterState.load(layout.state());
        if (existing.isPresent() && existing.get().anyAlive()) {
            System.err.println("kubelite up: a cluster from " + layout.root()
                    + " is already running; see `kubelite status`, stop it with `kubelite down`");
            return 1;
        }
        String token = AdminTokenFile.ensure(layout.tokens());
        ClusterPki pki = null;
        // made with --insecure-http too: the service-account signing key lives there
        ClusterPki keys;
        try {
            keys = ClusterPki.ensure(layout.pki(), tlsSans);
        } catch (IOException e) {
            System.err.println("kubelite up: " + e.getMessage());
            return 1;
        }
        done("certificates", pkiSummary(keys));
        if (!insecureHttp) {
            pki = keys;
        }
        ClusterState state = new ClusterState();
        state.launcherPid = ProcessHandle.current().pid();
        state.detached = detach;
        List<ManagedProcess> started = new ArrayList<>();
        EtcdMember[] etcdHolder = new EtcdMember[1];
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stopAll(started, etcdHolder[0], layout);
                    stopped.countDown();
                },
                "kubelite-down");
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        // etcd
        String endpoints = etcdEndpoints != null ? etcdEndpoints : System.getenv("ETCD_ENDPOINTS");
        if (endpoints == null || endpoints.isBlank()) {
            Optional<Path> binary = EtcdBinary.etcd();
            if (binary.isPresent()) {
                step("etcd", "starting from " + binary.get() + ", data in " + rel(layout.etcdData()));
                try {
                    etcdHolder[0] = EtcdMember.startHealthy(
                            binary.get(),
                            EtcdMember.Spec.single("kubelite", layout.etcdData(), layout.log("etcd"))
                                    .inOwnSession(),
                            timeout);
                } catch (IllegalStateException e) {
                    System.err.println("kubelite up: " + e.getMessage());
                    return 1;
                }
                endpoints = etcdHolder[0].endpoint();
                state.processes.add(new ClusterState.Proc(
                        "etcd",
                        etcdHolder[0].pid(),
                        endpoints,
                        0,
                        layout.etcdData().toString()));
                done("etcd", endpoints + " (pid " + etcdHolder[0].pid() + ")");
            } else {
                // no etcd on this machine: the embedded etcd v3 API server, data in the same place
                endpoints = "127.0.0.1:" + freePort();
                step("etcd", "no etcd binary; starting etcdlite, data in " + rel(layout.etcdLiteData()));
                ManagedProcess lite = ManagedProcess.start(
                        ComponentKind.ETCDLITE,
                        List.of("--data-dir", layout.etcdLiteData().toString(), "--listen", endpoints),
                        0,
                        layout.log("etcdlite"));
                started.add(lite);
                state.processes.add(new ClusterState.Proc(
                        "etcdlite", lite.pid(), endpoints, 0, ManagedProcess.marker(ComponentKind.ETCDLITE)));
                if (!lite.awaitLogLine("etcdlite ready on", timeout)) {
                    System.err.println("kubelite up: etcdlite did not start; last lines of " + rel(lite.log()) + ":");
                    System.err.println(lite.logTail(20));
                    return fail(started, null, layout, detach, hook);
                }
                done("etcd", "etcdlite " + endpoints + " (pid " + lite.pid() + ")");
            }
        } else {
            done("etcd", endpoints + " (external)");
        }
        state.etcdEndpoints = endpoints;
        state.server = (insecureHttp ? "http" : "https") + "://127.0.0.1:" + port;
        state.save(layout.state());

        List<String> common = encryptionProviderConfig == null
                ? List.of("--etcd-endpoints", endpoints)
                : List.of(
                        "--etcd-endpoints",
                        endpoints,
                        "--encryption-provider-config",
                        encryptionProviderConfig.toAbsolutePath().toString());
        List<String> apiserverArgs = new ArrayList<>(List.of(
                "--secure-port",
                Integer.toString(port),
                "--token-auth-file",
                layout.tokens().toString(),
                "--id",
                "apiserver-0"));
        if (pki != null) {
            apiserverArgs.addAll(List.of(
                    "--tls-cert-file",
                    pki.serverCert().toString(),
                    "--tls-private-key-file",
                    pki.serverKey().toString(),
                    "--client-ca-file",
                    pki.caCert().toString()));
        } else {
            // the API server makes a self-signed certificate unless told to serve plain HTTP
            apiserverArgs.add("--insecure-http");
        }
        apiserverArgs.addAll(AuditLaunch.plan(layout).args());
        // every replica (and the tokens controller) signs and verifies with the cluster's one key pair
        apiserverArgs.addAll(List.of(
                "--service-account-issuer",
                SERVICE_ACCOUNT_ISSUER,
                "--service-account-signing-key-file",
                keys.serviceAccountKey().toString(),
                "--service-account-key-file",
                keys.serviceAccountPublicKey().toString()));
        List<String> controllerManagerArgs = new ArrayList<>(List.of(
                "--cluster-cidr",
                CLUSTER_CIDR,
                "--id",
                "controller-manager-0",
                "--service-account-private-key-file",
                keys.serviceAccountKey().toString()));
        if (pki != null) {
            controllerManagerArgs.addAll(List.of("--root-ca-file", pki.caCert().toString()));
        }
        if (runtimeConfig != null) {
            apiserverArgs.addAll(List.of("--runtime-config", runtimeConfig));
        }
        if (serviceClusterIpRange != null) {
            apiserverArgs.addAll(List.of("--service-cluster-ip-range", serviceClusterIpRange));
        }
        if (serviceNodePortRange != null) {
            apiserverArgs.addAll(List.of("--service-node-port-range", serviceNodePortRange));
        }
        // chosen here rather than by the server so that up can say where to dig
        int resolvedDnsPort = dnsPort == 0 ? freePort() : dnsPort;
        // kube-proxy's usual port, so kl proxy and kubelet-sims find it where they look first
        int rulesPort = LoopbackPorts.isFree(KUBE_PROXY_RULES_PORT) ? KUBE_PROXY_RULES_PORT : freePort();
        // metrics-server's HTTPS port: the API server finds it through the mirror pod's named port
        int metricsPort = freePort();
        // Loki's port when free: where Grafana and curl users look first
        int logStorePort = LoopbackPorts.isFree(LOG_STORE_PORT) ? LOG_STORE_PORT : freePort();
        DashboardLaunch dashboard = DashboardLaunch.plan(
                layout, LoopbackPorts.isFree(DashboardLaunch.DEFAULT_PORT) ? DashboardLaunch.DEFAULT_PORT : freePort());
        ServedEndpoints served = new ServedEndpoints()
                .add(
                        ComponentKind.DNS,
                        "127.0.0.1:" + resolvedDnsPort + " udp+tcp",
                        "serving 127.0.0.1:" + resolvedDnsPort + " udp+tcp")
                .add(ComponentKind.KUBE_PROXY, "rules 127.0.0.1:" + rulesPort, "rules on 127.0.0.1:" + rulesPort)
                .add(
                        ComponentKind.METRICS_SERVER,
                        "https 127.0.0.1:" + metricsPort,
                        "https on 127.0.0.1:" + metricsPort)
                .add(ComponentKind.LOG_STORE, "http 127.0.0.1:" + logStorePort, "http on 127.0.0.1:" + logStorePort)
                .add(ComponentKind.DASHBOARD, dashboard.endpoint(), "page on " + dashboard.pageUrl());
        List<Launch> plan = List.of(
                new Launch(ComponentKind.APISERVER, concat(common, apiserverArgs)),
                new Launch(ComponentKind.CONTROLLER_MANAGER, concat(common, controllerManagerArgs)),
                new Launch(ComponentKind.SCHEDULER, concat(common, List.of("--id", "scheduler-0"))),
                // before the kubelet-sim, whose node log agents ship to it from the start
                new Launch(
                        ComponentKind.LOG_STORE,
                        concat(
                                common,
                                List.of(
                                        "--data-dir",
                                        layout.logStoreData().toString(),
                                        "--port",
                                        Integer.toString(logStorePort),
                                        "--id",
                                        "log-store-0"))),
                new Launch(
                        ComponentKind.KUBELET_SIM,
                        concat(
                                common,
                                kubeletSimArgs(
                                        rulesPort, dnsIp, logStorePort, layout.logSpool(), keys.serviceAccountKey()))),
                new Launch(
                        ComponentKind.DNS,
                        concat(common, List.of("--port", Integer.toString(resolvedDnsPort), "--id", "dns-0"))),
                // no --nodes: one kube-proxy serves every node of the cluster
                new Launch(
                        ComponentKind.KUBE_PROXY,
                        concat(
                                common,
                                List.of(
                                        "--cluster-cidr",
                                        CLUSTER_CIDR,
                                        "--rules-port",
                                        Integer.toString(rulesPort),
                                        "--id",
                                        "kube-proxy-0"))),
                new Launch(
                        ComponentKind.METRICS_SERVER,
                        concat(
                                common,
                                List.of(
                                        "--secure-port",
                                        Integer.toString(metricsPort),
                                        "--metric-resolution",
                                        DurationConverter.format(metricResolution),
                                        "--id",
                                        "metrics-server-0"))),
                new Launch(ComponentKind.DASHBOARD, concat(common, dashboard.args())));
        // written before the processes start: the add-ons below go through the API server with it
        if (pki != null) {
            Kubeconfig.writeAdmin(layout.kubeconfig(), pki, state.server);
        } else {
            Kubeconfig.writeToken(layout.kubeconfig(), state.server, token);
        }
        for (Launch l : plan) {
            int health = freePort();
            step(l.kind.command(), "starting");
            ManagedProcess p = ManagedProcess.start(l.kind, l.args, health, layout.log(l.kind.command()));
            started.add(p);
            state.processes.add(new ClusterState.Proc(
                    l.kind.command(), p.pid(), served.endpoint(l.kind), health, ManagedProcess.marker(l.kind)));
            state.save(layout.state());
            PrometheusTargets.write(layout.prometheusTargets(), state);
            if (!p.awaitReady(timeout)) {
                System.err.println("kubelite up: " + l.kind.command()
                        + (p.isAlive()
                                ? " not ready within " + DurationConverter.format(timeout)
                                : " exited with code " + p.exitCode())
                        + "; last lines of " + rel(p.log()) + ":");
                System.err.println(p.logTail(20));
                return fail(started, etcdHolder[0], layout, detach, hook);
            }
            done(l.kind.command(), "ready (pid " + p.pid() + ", health :" + health + ")" + served.readyNote(l.kind));
        }
        step("addons", "kube-dns, metrics-server, log-store and dashboard objects through the API server");
        try {
            ClusterAddons addons = new ClusterAddons(ApiServerConnection.fromKubeconfig(layout.kubeconfig()), timeout);
            ClusterAddons.Outcome o = addons.installKubeDns(dnsIp);
            done("addons", "service/" + KubeDnsService.NAME + " " + o.word + " (kube-system, " + dnsIp + ")");
            ClusterAddons.MetricsServerOutcome m = addons.installMetricsServer();
            done(
                    "addons",
                    "service/" + MetricsServerAddon.NAME + " " + m.service().word + ", apiservice/"
                            + MetricsServerAddon.API_SERVICE + " " + m.apiService().word);
            ClusterAddons.Outcome ls = addons.installLogStore();
            done("addons", "service/" + LogStoreAddon.NAME + " " + ls.word + " (kube-system)");
            done("addons", "service/" + DashboardAddon.NAME + " " + addons.installDashboard().word + " (kube-system)");
        } catch (AddonsException | IllegalArgumentException e) {
            System.err.println("kubelite up: addons: " + e.getMessage());
            return fail(started, etcdHolder[0], layout, detach, hook);
        }
        out.println();
        out.println("kubelite is up: " + nodes + " node(s) in zones " + zones + ", API server " + state.server);
        out.println("  kubeconfig: " + rel(layout.kubeconfig()) + "   (bin/kl uses it by default)");
        if (pki != null) {
            out.println("  kubectl:    export KUBECONFIG=" + layout.kubeconfig() + "; kubectl get nodes");
        } else {
            out.println("  plain HTTP: kubectl sends no token over it; use bin/kl, or drop --insecure-http");
        }
        out.println("  try:        bin/kl get nodes");
        out.println("              bin/kl apply -f examples/replicaset.yaml && bin/kl get pods -o wide");
        out.println("  etcd:       bin/kl inspect etcd --etcd-endpoints " + endpoints + " --prefix /registry/pods/");
        out.println("  dns:        dig @127.0.0.1 -p " + resolvedDnsPort + " kube-dns.kube-system.svc.cluster.local"
                + "   (Service kube-system/kube-dns, " + dnsIp + ")");
        out.println("  kube-proxy: bin/kl proxy rules " + nodePrefix + "0"
                + (rulesPort == KUBE_PROXY_RULES_PORT ? "" : " --proxy-address 127.0.0.1:" + rulesPort));
        out.println("  metrics:    kubectl top nodes   (metrics-server https://127.0.0.1:" + metricsPort
                + ", a usage after two scrapes, " + DurationConverter.format(metricResolution) + " apart)");
        out.println("  pod logs:   curl -sG 127.0.0.1:" + logStorePort
                + "/loki/api/v1/query_range --data-urlencode 'query={namespace=\"default\"}'   (log-store)");
        out.println("  dashboard:  " + dashboard.loginUrl() + "   (one-time link; others sign in with a token)");
        out.println("  logs:       " + rel(layout.logs()) + "/<component>.log");
        out.println(detach ? "  stop:       bin/kubelite down" : "  stop:       Ctrl-C here, or bin/kubelite down");
        if (detach) {
            return 0;
        }
        watch(started);
        stopped.await();
        return 0;
    }

    /** Reports components that die while the cluster runs; returns when the JVM shuts down. */
    private void watch(List<ManagedProcess> started) throws InterruptedException {
        List<ManagedProcess> reported = new ArrayList<>();
        while (true) {
            for (ManagedProcess p : started) {
                if (!stopping && !p.isAlive() && !reported.contains(p)) {
                    reported.add(p);
                    System.err.println(
                            "kubelite: " + p.name() + " exited with code " + p.exitCode() + "; see " + rel(p.log()));
                }
            }
            Thread.sleep(1000);
        }
    }

    private int fail(
            List<ManagedProcess> started, EtcdMember etcd, ClusterLayout layout, boolean detached, Thread hook) {
        if (!detached) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        stopAll(started, etcd, layout);
        return 1;
    }

    private void stopAll(List<ManagedProcess> started, EtcdMember etcd, ClusterLayout layout) {
        stopping = true;
        List<ManagedProcess> reverse = new ArrayList<>(started);
        java.util.Collections.reverse(reverse);
        for (ManagedProcess p : reverse) {
            if (p.isAlive()) {
                out.println("stopping " + p.name() + " (pid " + p.pid() + ")");
                p.stop(Duration.ofSeconds(15));
            }
        }
        if (etcd != null) {
            out.println("stopping etcd (pid " + etcd.pid() + ")");
            etcd.close();
        }
        try {
            Files.deleteIfExists(layout.state());
        } catch (IOException ignored) {
            // leftover state is ignored by the next up once its pids are gone
        }
    }

    /**
     * The kubelet-sim's flags; where its nodes' kube-proxy rules are served and the cluster DNS
     * IP, when it takes those flags.
     */
    private List<String> kubeletSimArgs(
            int rulesPort, String dnsIp, int logStorePort, Path logSpool, Path serviceAccountKey) {
        List<String> args = new ArrayList<>(List.of(
                "--nodes",
                Integer.toString(nodes),
                "--zones",
                zones,
                "--node-name-prefix",
                nodePrefix,
                "--time-scale",
                timeScale,
                "--id",
                "kubelet-sim-0"));
        // asked of the kubelet-sim rather than assumed: the flag arrives with its own change
        if (ComponentKind.KUBELET_SIM.accepts("--kube-proxy-address")) {
            args.addAll(List.of("--kube-proxy-address", "127.0.0.1:" + rulesPort));
        }
        if (ComponentKind.KUBELET_SIM.accepts("--service-account-signing-key-file")) {
            args.addAll(List.of(
                    "--service-account-signing-key-file",
                    serviceAccountKey.toString(),
                    "--service-account-issuer",
                    SERVICE_ACCOUNT_ISSUER));
        }
        if (ComponentKind.KUBELET_SIM.accepts("--cluster-dns")) {
            args.addAll(List.of("--cluster-dns", dnsIp));
        }
        if (ComponentKind.KUBELET_SIM.accepts("--log-store-address")) {
            args.addAll(List.of(
                    "--log-store-address", "127.0.0.1:" + logStorePort, "--log-spool-dir", logSpool.toString()));
        }
        return args;
    }

    private static String pkiSummary(ClusterPki pki) {
        boolean reused = pki.actions().stream().allMatch(a -> a.startsWith("reused"));
        return (reused ? "reused " : "wrote ") + rel(pki.dir()) + " (CA, apiserver, admin, service-account key)";
    }

    private void step(String what, String msg) {
        out.printf("  … %-19s %s%n", what, msg);
    }

    private void done(String what, String msg) {
        out.printf("  ✓ %-19s %s%n", what, msg);
    }

    private static String rel(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    private static int freePort() {
        return LoopbackPorts.free();
    }

    private record Launch(ComponentKind kind, List<String> args) {}
}
