package io.kubelite.bench.metrics;

import io.kubelite.api.Node;
import io.kubelite.bench.common.ComponentProcess;
import io.kubelite.bench.common.JcmdHeap;
import io.kubelite.bench.common.Percentiles;
import io.kubelite.bench.common.ProcStat;
import io.kubelite.bench.common.ThrowawayEtcd;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Store;
import io.kubelite.store.local.LoopbackPorts;
import io.kubelite.store.runtime.KubeletNodeHeader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Issue 17 item 7: the metrics pipeline at N nodes × P pods scraped every 15 s — metrics-server's
 * CPU and heap, scrape-to-API staleness, and what the scraping adds to kubelet-sim per pod — next
 * to the raw figures it rests on, measured in the same run: a loopback HTTP GET of a body the size
 * of one node's Summary, and a raw etcd range read of all the pods.
 *
 * <p>Starts a throw-away durable etcd (or uses {@code --etcd-endpoints}), then kubelet-sim as its
 * own OS process registering the nodes, and writes the pods already bound to them
 * ({@link BoundPods}). With every pod Running:
 *
 * <ol>
 *   <li><b>unscraped window</b>: kubelet-sim's CPU (from /proc) with its usage model sampling
 *       every container each second but nobody reading the stats;</li>
 *   <li>metrics-server starts as its own OS process ({@code --metric-resolution}); once its API
 *       lists every pod, the <b>scraped window</b> (same length, started right after a cycle
 *       ends): kubelet-sim's and metrics-server's CPU, cycles completed, cycle duration from
 *       metrics-server's {@code metrics_server_manager_tick_duration_seconds}; then both heaps
 *       after a full GC ({@code jcmd});</li>
 *   <li><b>staleness window</b> (same length again): the benchmark lists
 *       {@code /apis/metrics.k8s.io/v1beta1/pods} over HTTPS every 1–3 s (random) and records,
 *       for every pod, read time − its {@code timestamp} ({@link PodMetricsPoller}); kept apart
 *       from the scraped window so that serving those lists is not counted as scrape CPU;</li>
 *   <li>with metrics-server stopped, the raw figures: one node's Summary fetched from kubelet-sim
 *       and the same bytes from a {@link FixedBodyServer}, one after another and as a whole
 *       cycle's worth at the scrape concurrency ({@link GetTimer}); and the pods read from etcd
 *       ({@link RawEtcdRange}).</li>
 * </ol>
 *
 * <p>Usage: {@code MetricsPipelineBenchmark [--nodes 1000] [--pods-per-node 30] [--cycles 6]
 * [--resolution-seconds 15] [--scrape-concurrency 16] [--sim-heap 2g] [--metrics-heap 1g]
 * [--log-dir DIR] [--log-level warn] [--etcd-endpoints host:port]}.
 */
public final class MetricsPipelineBenchmark {
    private static final String NODE_PREFIX = "mb-node-";

    private record Options(
            int nodes,
            int podsPerNode,
            int cycles,
            int resolutionSeconds,
            int scrapeConcurrency,
            String simHeap,
            String metricsHeap,
            Path logDir,
            String logLevel,
            String etcdEndpoints) {
        static Options parse(String[] args) throws java.io.IOException {
            int nodes = 1000, podsPerNode = 30, cycles = 6, resolution = 15, concurrency = 16;
            String simHeap = "2g", metricsHeap = "1g", logLevel = "warn", etcd = null;
            Path logDir = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--pods-per-node" -> podsPerNode = Integer.parseInt(args[++i]);
                    case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                    case "--resolution-seconds" -> resolution = Integer.parseInt(args[++i]);
                    case "--scrape-concurrency" -> concurrency = Integer.parseInt(args[++i]);
                    case "--sim-heap" -> simHeap = args[++i];
                    case "--metrics-heap" -> metricsHeap = args[++i];
                    case "--log-dir" -> logDir = Path.of(args[++i]);
                    case "--log-level" -> logLevel = args[++i];
                    case "--etcd-endpoints" -> etcd = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (logDir == null) {
                logDir = Files.createTempDirectory("kubelite-mbench-logs");
            }
            Files.createDirectories(logDir);
            return new Options(
                    nodes, podsPerNode, cycles, resolution, concurrency, simHeap, metricsHeap, logDir, logLevel, etcd);
        }

        int pods() {
            return nodes * podsPerNode;
        }

        Duration window() {
            return Duration.ofSeconds((long) cycles * resolutionSeconds);
        }
    }

    /** CPU seconds each process used over one window, and the window's wall-clock length. */
    private record Window(double seconds, double simCpu, double metricsCpu, double etcdCpu, String load) {
        double simCores() {
            return simCpu / seconds;
        }
    }

    private final Options o;
    private final Etcd etcd;
    private final String endpoints;
    private final long etcdPid;
    private final Random random = new Random(17_7);

    private MetricsPipelineBenchmark(Options o, Etcd etcd, String endpoints, long etcdPid) {
        this.o = o;
        this.etcd = etcd;
        this.endpoints = endpoints;
        this.etcdPid = etcdPid;
    }

    public static void main(String[] args) throws Exception {
        // metrics-server's serving certificate is self-signed for 127.0.0.1; the poller trusts it
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        // without TCP_NODELAY the JDK's HttpServer sends headers and body in two segments and a
        // GET waits out the client's delayed ACK (~40 ms): the raw figure would be Nagle's, not HTTP's
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Options o = Options.parse(args);
        ThrowawayEtcd local = null;
        String endpoints = o.etcdEndpoints();
        long etcdPid = -1;
        if (endpoints == null) {
            local = ThrowawayEtcd.start("mbench", o.logDir().resolve("etcd.log"));
            endpoints = local.endpoint();
            etcdPid = local.pid();
        }
        String prefix = "/mbench-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            new MetricsPipelineBenchmark(o, etcd, endpoints, etcdPid).run();
        } finally {
            if (local != null) {
                local.close();
            }
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(
                "metrics pipeline benchmark: %d nodes x %d pods = %d pods, resolution %d s, %d cycles a window;"
                        + " %d cores, load %s; logs in %s%n",
                o.nodes(),
                o.podsPerNode(),
                o.pods(),
                o.resolutionSeconds(),
                o.cycles(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg(),
                o.logDir());
        List<String> common =
                List.of("--etcd-endpoints", endpoints, "--etcd-prefix", etcd.prefix(), "--log-level", o.logLevel());
        List<String> simArgs = new ArrayList<>(common);
        simArgs.addAll(List.of(
                "--nodes",
                Integer.toString(o.nodes()),
                "--node-name-prefix",
                NODE_PREFIX,
                "--pod-cidr-fallback",
                "10.0.0.0/8"));
        long t0 = System.nanoTime();
        try (ComponentProcess sim = ComponentProcess.start(
                "kubelet-sim",
                "io.kubelite.kubelet.KubeletSimMain",
                List.of("-Xmx" + o.simHeap(), "-XX:+UseParallelGC"),
                simArgs,
                o.logDir().resolve("kubelet-sim.log"))) {
            if (!sim.awaitReady(Duration.ofMinutes(10))) {
                throw new IllegalStateException("kubelet-sim not ready in 10 min; see " + sim.log());
            }
            System.out.printf("kubelet-sim (pid %d) registered %d nodes in %.1f s%n", sim.pid(), o.nodes(), secs(t0));
            Thread.sleep(5_000);
            long simNodesOnly = JcmdHeap.liveBytes(sim.pid());

            new BoundPods(new Store(etcd), NODE_PREFIX, o.nodes(), o.pods())
                    .createAndAwaitRunning(64, Duration.ofMinutes(20));
            // let the status writes and Events of the start-up drain before measuring
            Thread.sleep(10_000);
            long simWithPods = JcmdHeap.liveBytes(sim.pid());

            System.out.printf("unscraped window: %d s ...%n", o.window().toSeconds());
            Window unscraped = window(sim, null, o.window(), null, 0);
            System.out.printf("  kubelet-sim %.3f cores%n", unscraped.simCores());

            measureWithMetricsServer(sim, common, unscraped, simNodesOnly, simWithPods);
        }
    }

    private void measureWithMetricsServer(
            ComponentProcess sim, List<String> common, Window unscraped, long simNodesOnly, long simWithPods)
            throws Exception {
        int securePort = LoopbackPorts.free();
        List<String> msArgs = new ArrayList<>(common);
        msArgs.addAll(List.of(
                "--metric-resolution",
                o.resolutionSeconds() + "s",
                "--secure-port",
                Integer.toString(securePort),
                "--scrape-concurrency",
                Integer.toString(o.scrapeConcurrency())));
        long t0 = System.nanoTime();
        ScrapedFigures scraped;
        StalenessFigures staleness;
        try (ComponentProcess ms = ComponentProcess.start(
                "metrics-server",
                "io.kubelite.metrics.MetricsServerMain",
                List.of("-Xmx" + o.metricsHeap(), "-XX:+UseParallelGC"),
                msArgs,
                o.logDir().resolve("metrics-server.log"))) {
            if (!ms.awaitReady(Duration.ofMinutes(5))) {
                throw new IllegalStateException("metrics-server not ready in 5 min; see " + ms.log());
            }
            PodMetricsPoller poller = new PodMetricsPoller(securePort);
            awaitAllPods(ms, poller, t0);
            double firstFull = secs(t0);
            System.out.printf(
                    "metrics-server (pid %d) lists all %d pods %.1f s after start%n", ms.pid(), o.pods(), firstFull);

            // one whole cycle more before measuring: the first full cycles still pay for JIT compilation
            awaitCycleEnd(ms);
            awaitCycleEnd(ms);
            System.out.printf("scraped window: %d s ...%n", o.window().toSeconds());
            double cycles0 = ms.metric("metrics_server_scrape_cycles");
            double tickCount0 = ms.metric("metrics_server_manager_tick_duration_seconds_count");
            double tickSum0 = ms.metric("metrics_server_manager_tick_duration_seconds_sum");
            Window w = window(sim, ms, o.window(), ms, cycles0 + o.cycles());
            double cycles = ms.metric("metrics_server_scrape_cycles") - cycles0;
            double ticks = ms.metric("metrics_server_manager_tick_duration_seconds_count") - tickCount0;
            double tickMean = (ms.metric("metrics_server_manager_tick_duration_seconds_sum") - tickSum0) / ticks;
            double tickMax = ms.metric("metrics_server_manager_tick_duration_seconds_max");
            double kubeletRequests = ms.metric("metrics_server_kubelet_request_total");
            System.out.printf(
                    "  %.0f cycles, mean %.2f s; kubelet-sim %.3f cores, metrics-server %.3f cores%n",
                    cycles, tickMean, w.simCores(), w.metricsCpu() / w.seconds());
            long msLive = JcmdHeap.liveBytes(ms.pid());
            long msRss = ProcStat.rssBytes(ms.pid());
            long simScraped = JcmdHeap.liveBytes(sim.pid());
            scraped = new ScrapedFigures(
                    w, cycles, tickMean, tickMax, kubeletRequests, msLive, msRss, simScraped, firstFull);

            System.out.printf(
                    "staleness window: %d s of reads every 1-3 s ...%n",
                    o.window().toSeconds());
            staleness = staleness(poller, o.window());
        }
        System.out.println("metrics-server stopped; raw figures ...");
        RawFigures raw = raw(sim, unscraped.simCores());
        print(unscraped, simNodesOnly, simWithPods, scraped, staleness, raw);
    }

    /** What the scraped window and the heap probes after it measured. */
    private record ScrapedFigures(
            Window window,
            double cycles,
            double tickMeanSeconds,
            double tickMaxSeconds,
            double scrapeRequests,
            long metricsLive,
            long metricsRss,
            long simLive,
            double firstFullSeconds) {}

    /** Staleness of every pod metric read, and how the reads themselves went. */
    private record StalenessFigures(Percentiles staleness, Percentiles request, int reads, int minPods) {}

    private StalenessFigures staleness(PodMetricsPoller poller, Duration length) throws Exception {
        List<long[]> all = new ArrayList<>();
        List<Long> requests = new ArrayList<>();
        int minPods = Integer.MAX_VALUE;
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            PodMetricsPoller.Read r = poller.read();
            all.add(r.stalenessMillis());
            requests.add(r.requestNanos());
            minPods = Math.min(minPods, r.pods());
            Thread.sleep(1_000 + random.nextInt(2_000));
        }
        long[] nanos = all.stream()
                .flatMapToLong(a -> java.util.Arrays.stream(a).map(TimeUnit.MILLISECONDS::toNanos))
                .toArray();
        return new StalenessFigures(
                Percentiles.of(nanos),
                Percentiles.of(requests.stream().mapToLong(Long::longValue).toArray()),
                all.size(),
                minPods);
    }

    /** The raw figures: one Summary's GET from kubelet-sim and from a fixed-body server, and the etcd read. */
    private record RawFigures(
            int summaryBytes,
            Percentiles simGet,
            double simBatch,
            double simServeCpuPerCycle,
            Percentiles rawGet,
            double rawBatch,
            RawEtcdRange.Result etcdRead) {}

    private RawFigures raw(ComponentProcess sim, double simIdleCores) throws Exception {
        Node node0 =
                new Store(etcd).of(NodeKind.RESOURCE).get("", NODE_PREFIX + 0).get(30, TimeUnit.SECONDS);
        int kubeletPort =
                node0.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        URI summary = URI.create("http://127.0.0.1:" + kubeletPort + "/stats/summary");
        IntFunction<HttpRequest> simReq = i -> HttpRequest.newBuilder(summary)
                .header(KubeletNodeHeader.NAME, NODE_PREFIX + (i % o.nodes()))
                .timeout(Duration.ofSeconds(10))
                .build();
        GetTimer timer = new GetTimer();
        byte[] body = timer.get(simReq.apply(0));
        int gets = 500;
        Percentiles simGet = timer.sequential(simReq, gets);
        // kubelet-sim's CPU to serve whole cycles' worth of Summaries, back to back, less its idle rate
        int batches = 5;
        double cpu0 = sim.cpuSeconds();
        long b0 = System.nanoTime();
        double simBatch = Double.MAX_VALUE;
        for (int b = 0; b < batches; b++) {
            simBatch = Math.min(simBatch, timer.batchSeconds(simReq, o.nodes(), o.scrapeConcurrency()));
        }
        double simServeCpu = (sim.cpuSeconds() - cpu0 - simIdleCores * secs(b0)) / batches;
        Percentiles rawGet;
        double rawBatch;
        try (FixedBodyServer server = new FixedBodyServer(body)) {
            IntFunction<HttpRequest> rawReq = i -> HttpRequest.newBuilder(server.uri())
                    .timeout(Duration.ofSeconds(10))
                    .build();
            rawGet = timer.sequential(rawReq, gets);
            rawBatch = Double.MAX_VALUE;
            for (int b = 0; b < batches; b++) {
                rawBatch = Math.min(rawBatch, timer.batchSeconds(rawReq, o.nodes(), o.scrapeConcurrency()));
            }
        }
        String podPrefix = new Store(etcd).of(PodKind.RESOURCE).key(BoundPods.NAMESPACE, "");
        RawEtcdRange.Result read = RawEtcdRange.measure(etcd, podPrefix, 3);
        return new RawFigures(body.length, simGet, simBatch, simServeCpu, rawGet, rawBatch, read);
    }

    /** Polls the pods list until it holds every pod (two samples of each container are needed). */
    private void awaitAllPods(ComponentProcess ms, PodMetricsPoller poller, long t0) throws Exception {
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            int pods = poller.read().pods();
            if (pods >= o.pods()) {
                return;
            }
            if (System.nanoTime() > deadline || !ms.isAlive()) {
                throw new IllegalStateException("metrics-server lists " + pods + " of " + o.pods() + " pods");
            }
            Thread.sleep(2_000);
        }
    }

    /** Returns right after metrics-server completes a cycle, so a window holds whole cycles. */
    private static void awaitCycleEnd(ComponentProcess ms) throws InterruptedException {
        double c0 = ms.metric("metrics_server_scrape_cycles");
        while (ms.metric("metrics_server_scrape_cycles") == c0) {
            Thread.sleep(100);
        }
    }

    /**
     * CPU of each process over {@code length}, or, with {@code cycleSource}, until its
     * {@code metrics_server_scrape_cycles} reaches {@code cycleTarget} (so a window started right
     * after a cycle ended holds whole cycles).
     */
    private Window window(
            ComponentProcess sim,
            ComponentProcess ms,
            Duration length,
            ComponentProcess cycleSource,
            double cycleTarget)
            throws InterruptedException {
        long t0 = System.nanoTime();
        double sim0 = sim.cpuSeconds();
        double ms0 = ms == null ? 0 : ms.cpuSeconds();
        double etcd0 = etcdPid > 0 ? ProcStat.cpuSeconds(etcdPid) : Double.NaN;
        if (cycleSource == null) {
            Thread.sleep(length.toMillis());
        } else {
            // each look at /metrics costs the measured process CPU: sleep through most of the window
            // and poll only near its end (polling every 100 ms throughout would add 900 requests)
            Thread.sleep(Math.max(0, length.toMillis() - 2_000));
            long deadline = t0 + 3 * length.toNanos();
            while (cycleSource.metric("metrics_server_scrape_cycles") < cycleTarget) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("metrics-server did not complete its cycles in 3x the window");
                }
                Thread.sleep(250);
            }
        }
        return new Window(
                secs(t0),
                sim.cpuSeconds() - sim0,
                ms == null ? 0 : ms.cpuSeconds() - ms0,
                etcdPid > 0 ? ProcStat.cpuSeconds(etcdPid) - etcd0 : Double.NaN,
                ProcStat.loadavg());
    }

    private void print(
            Window unscraped,
            long simNodesOnly,
            long simWithPods,
            ScrapedFigures s,
            StalenessFigures st,
            RawFigures raw) {
        Window w = s.window();
        int pods = o.pods();
        double res = o.resolutionSeconds();
        System.out.printf(
                "%n=== metrics pipeline: %d nodes x %d pods = %d pods, --metric-resolution %ds, %d cores, load %s ===%n",
                o.nodes(),
                o.podsPerNode(),
                pods,
                o.resolutionSeconds(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg());
        System.out.println("metrics-server");
        row(
                "scrape cycles in the %.0f s window".formatted(w.seconds()),
                "%.0f (%.0f kubelet requests so far)".formatted(s.cycles(), s.scrapeRequests()));
        row(
                "cycle duration (manager tick) mean / recent max",
                "%.2f s / %.2f s   [raw: %d same-size GETs at %d in flight %.2f s -> %.1fx; from kubelet-sim %.2f s (best of 5)]"
                        .formatted(
                                s.tickMeanSeconds(),
                                s.tickMaxSeconds(),
                                o.nodes(),
                                o.scrapeConcurrency(),
                                raw.rawBatch(),
                                s.tickMeanSeconds() / raw.rawBatch(),
                                raw.simBatch()));
        double msPerCycle = w.metricsCpu() / s.cycles();
        row(
                "CPU: cores / CPU-s per cycle / per pod per cycle",
                "%.3f / %.2f s / %.1f us".formatted(w.metricsCpu() / w.seconds(), msPerCycle, msPerCycle / pods * 1e6));
        row(
                "heap live after full GC (all of it, informers too) / RSS (-Xmx%s)".formatted(o.metricsHeap()),
                "%s / %s (%.2f KiB live per pod)"
                        .formatted(mib(s.metricsLive()), mib(s.metricsRss()), s.metricsLive() / 1024.0 / pods));
        row("start -> API lists every pod", "%.1f s".formatted(s.firstFullSeconds()));
        System.out.println("staleness (read time - PodMetrics.timestamp; timestamps are whole seconds)");
        Percentiles p = st.staleness();
        row(
                "p50 / p99 / max over %d reads, %d samples".formatted(st.reads(), p.count()),
                "%.2f / %.2f / %.2f s   [resolution %.0f s; pods per read >= %d]"
                        .formatted(p.p50() / 1e9, p.p99() / 1e9, p.max() / 1e9, res, st.minPods()));
        row("list all pods request p50 / p99", st.request().millis());
        System.out.println("kubelet-sim");
        double added = w.simCores() - unscraped.simCores();
        double addedPerCycle = added * w.seconds() / s.cycles();
        row(
                "CPU unscraped / scraped",
                "%.3f / %.3f cores (added %.3f cores = %.2f CPU-s per cycle)"
                        .formatted(unscraped.simCores(), w.simCores(), added, addedPerCycle));
        row(
                "added CPU per pod per scrape (scraped - unscraped window)",
                "%.1f us".formatted(addedPerCycle / pods * 1e6));
        row(
                "CPU to serve one cycle's Summaries, back to back",
                "%.3f CPU-s = %.1f us per pod (5 cycles of %d GETs at %d in flight, less idle)"
                        .formatted(
                                raw.simServeCpuPerCycle(),
                                raw.simServeCpuPerCycle() / pods * 1e6,
                                o.nodes(),
                                o.scrapeConcurrency()));
        row("CPU per pod, unscraped (usage model, timers)", "%.2f us/s".formatted(unscraped.simCores() / pods * 1e6));
        row(
                "live heap: nodes only / with pods / after scraping",
                "%s / %s / %s".formatted(mib(simNodesOnly), mib(simWithPods), mib(s.simLive())));
        row(
                "live heap per pod / added by scraping per pod",
                "%.2f KiB / %.3f KiB"
                        .formatted(
                                (simWithPods - simNodesOnly) / 1024.0 / pods,
                                (s.simLive() - simWithPods) / 1024.0 / pods));
        row(
                "etcd CPU unscraped / scraped",
                "%.3f / %.3f cores".formatted(unscraped.etcdCpu() / unscraped.seconds(), w.etcdCpu() / w.seconds()));
        row("load average at end of unscraped / scraped window", unscraped.load() + " / " + w.load());
        System.out.println("raw, same run");
        row(
                "one node's Summary GET p50 / p99: kubelet-sim",
                "%s   (%d bytes, %d pods)".formatted(raw.simGet().millis(2), raw.summaryBytes(), o.podsPerNode()));
        row("same bytes from a fixed-body loopback server", raw.rawGet().millis(2));
        row(
                "ratio kubelet-sim / raw, p50",
                "%.1fx".formatted((double) raw.simGet().p50() / raw.rawGet().p50()));
        RawEtcdRange.Result r = raw.etcdRead();
        row(
                "etcd range read of all pods (pages of 500), min / median",
                "%.3f / %.3f s (%d keys, %.1f MB)"
                        .formatted(r.minSeconds(), r.medianSeconds(), r.keys(), r.bytes() / 1e6));
    }

    private static void row(String name, String value) {
        System.out.printf("  %-58s %s%n", name, value);
    }

    private static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / (1024.0 * 1024.0));
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
