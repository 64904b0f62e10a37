package io.kubelite.bench.dashboard;

import io.kubelite.bench.common.ProcStat;
import io.kubelite.bench.common.ThrowawayEtcd;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 19 item 6: the dashboard's overview of N nodes and P pods in headless Chromium — time
 * from navigation to every node's row in the DOM, then the page's lag behind a steady rate of pod
 * changes (write acknowledged → the node's pod count changed in the DOM, p50/p99) with the
 * dashboard's and the browser's CPU — next to the raw watch event rate of the same run (a plain
 * watch of every pod on the API server during the same window).
 *
 * <p>Starts a throw-away durable etcd, the API server, a kubelet-sim registering the nodes in two
 * zones, writes the pods already bound ({@link BenchPods}) and waits until all are Running, then
 * starts the dashboard and Chromium. The changes are {@link PodChurn}'s.
 *
 * <p>Usage: {@code DashboardBenchmark [--nodes 1000] [--pods 20000] [--rate 100] [--seconds 30]
 * [--loads 3] [--log-dir DIR] [--log-level warn] [--etcd-endpoints host:port]}.
 */
public final class DashboardBenchmark {
    private record Options(
            int nodes, int pods, int rate, int seconds, int loads, Path logDir, String logLevel, String etcdEndpoints) {
        static Options parse(String[] args) throws Exception {
            int nodes = 1000, pods = 20_000, rate = 100, seconds = 30, loads = 3;
            String logLevel = "warn", etcd = null;
            Path logDir = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--pods" -> pods = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--loads" -> loads = Integer.parseInt(args[++i]);
                    case "--log-dir" -> logDir = Path.of(args[++i]);
                    case "--log-level" -> logLevel = args[++i];
                    case "--etcd-endpoints" -> etcd = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (pods % nodes != 0) {
                throw new IllegalArgumentException(
                        "--pods must be a multiple of --nodes (the same count on every node)");
            }
            if (logDir == null) {
                logDir = Files.createTempDirectory("kubelite-dbench");
            }
            Files.createDirectories(logDir);
            return new Options(nodes, pods, rate, seconds, loads, logDir, logLevel, etcd);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.out.printf(
                "dashboard benchmark: %d nodes, %d pods, %d pod changes/s for %d s; %d cores, load %s; logs in %s%n",
                o.nodes(),
                o.pods(),
                o.rate(),
                o.seconds(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg(),
                o.logDir());
        ThrowawayEtcd local = null;
        String endpoints = o.etcdEndpoints();
        if (endpoints == null) {
            local = ThrowawayEtcd.start("dbench", o.logDir().resolve("etcd.log"));
            endpoints = local.endpoint();
        }
        String prefix = "/dbench-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)));
                BenchCluster cluster = new BenchCluster(o.logDir())) {
            run(o, etcd, endpoints, cluster);
        } finally {
            if (local != null) {
                local.close();
            }
        }
        System.exit(0);
    }

    private static void run(Options o, Etcd etcd, String endpoints, BenchCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        cluster.start(endpoints, etcd.prefix(), o.nodes(), o.logLevel());
        System.out.printf(
                "API server and kubelet-sim (%d nodes) ready in %.1f s%n", o.nodes(), (System.nanoTime() - t0) / 1e9);
        BenchPods pods = new BenchPods(new Store(etcd));
        pods.seed(o.pods(), o.nodes(), 64, Duration.ofMinutes(20));
        Thread.sleep(5_000); // let the start-up's status writes drain
        t0 = System.nanoTime();
        cluster.startDashboard("1g");
        System.out.printf("dashboard ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        try (OverviewProbe browser = new OverviewProbe()) {
            double first = browser.signIn(cluster.loginLink(), o.nodes());
            System.out.printf(
                    "first overview after the dashboard started (its first list of every pod): %.0f ms%n", first);
            List<Double> loads = new ArrayList<>();
            for (int i = 0; i < o.loads(); i++) {
                double ms = browser.renderMillis(cluster.dashboardUrl(), o.nodes());
                loads.add(ms);
                System.out.printf(
                        "overview load %d: all %d nodes in the DOM %.0f ms after navigation%n", i + 1, o.nodes(), ms);
            }
            browser.watchPodCounts();
            ApiServerConnection api = ApiServerConnection.fromKubeconfig(cluster.kubeconfig());
            PodChurn churn = new PodChurn(pods.store(), o.nodes(), o.pods() / o.nodes());
            String loadBefore = ProcStat.loadavg();
            double dashCpu0 = cluster.dashboard().cpuSeconds();
            double browserCpu0 = OverviewProbe.browserCpuSeconds();
            double apiCpu0 = cluster.apiserverProcess().cpuSeconds();
            long w0 = System.nanoTime();
            long rawEvents;
            try (RawPodWatch raw = new RawPodWatch(api)) {
                churn.run(o.rate(), o.seconds(), 250);
                double writeSeconds = (System.nanoTime() - w0) / 1e9;
                rawEvents = raw.events();
                // the page's last updates: until it showed every change, or 15 s
                long drain = System.nanoTime() + 15_000_000_000L;
                while (System.nanoTime() < drain
                        && LagReport.of(churn.changes(), browser.seen()).missed() > 0) {
                    Thread.sleep(500);
                }
                double window = (System.nanoTime() - w0) / 1e9;
                double dashCpu = cluster.dashboard().cpuSeconds() - dashCpu0;
                double browserCpu = OverviewProbe.browserCpuSeconds() - browserCpu0;
                double apiCpu = cluster.apiserverProcess().cpuSeconds() - apiCpu0;
                LagReport lag = LagReport.of(churn.changes(), browser.seen());
                int changes = churn.changes().size();
                System.out.println();
                System.out.printf(
                        "RESULT %d nodes, %d pods, %d cores; load before %s, after %s%n",
                        o.nodes(),
                        o.pods(),
                        Runtime.getRuntime().availableProcessors(),
                        loadBefore,
                        ProcStat.loadavg());
                System.out.printf(
                        "RESULT overview render (navigation -> %d node rows in the DOM): %s ms%n",
                        o.nodes(),
                        loads.stream().map(d -> String.format("%.0f", d)).toList());
                System.out.printf(
                        "RESULT pod changes written: %d in %.1f s = %.1f/s (%d failed)%n",
                        changes, writeSeconds, changes / writeSeconds, churn.failures());
                System.out.printf(
                        "RESULT raw watch (all pods, API server): %d events in %.1f s = %.1f events/s%n",
                        rawEvents, writeSeconds, rawEvents / writeSeconds);
                System.out.printf(
                        "RESULT page lag (write ack -> node's pod count in the DOM): p50/p99 %s; %d shown, %d missed%n",
                        lag.lag().millis(0), lag.matched(), lag.missed());
                System.out.printf(
                        "RESULT CPU over %.1f s: dashboard %.2f cores, chromium %.2f cores, API server %.2f cores%n",
                        window, dashCpu / window, browserCpu / window, apiCpu / window);
                System.out.printf("RESULT page rows at the end: %d%n", browser.rows());
            }
        }
    }
}
