package io.kubelite.kubelet.bench;

import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.HTTPGetAction;
import io.kubelite.api.IntOrString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Probe;
import io.kubelite.api.TCPSocketAction;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kubelet-sim at scale (issue #4 item 9) and its memory per pod (issue #21 item 3).
 * kubelet-sim runs as its own OS process ({@link SimProcess}, {@code -Xmx1g} by default) with
 * N nodes; this JVM creates pods, already bound round-robin to those nodes (probes on half),
 * at a fixed rate, and a watcher records when each is first seen Running. Prints, with the
 * 1-minute load average of the machine:
 * <ul>
 *   <li>the raw etcd figures of the same run ({@link RawEtcdFigures}): pod-sized
 *       compare-and-put txns/s, and put → watch-event latency at the same rate;</li>
 *   <li>node registration time and kubelet-sim's live heap with nodes but no pods;</li>
 *   <li>for each size of {@code --pods} (grown one after the other in the same process): pod
 *       start latency (create acknowledged → Running seen) p50/p99, kubelet-sim's live heap (the
 *       bytes of the objects a full GC leaves: the class histogram's total, which does not depend
 *       on the machine's load; the heap used after a full GC, which does, is printed beside it),
 *       the bytes per pod above the nodes-only live heap, and beside them the raw figure of the
 *       same pods: the bytes their values take in etcd;</li>
 *   <li>at the largest size, kubelet-sim's steady state over the window: CPU from /proc
 *       utime+stime deltas, used heap before and after a full GC, RSS.</li>
 * </ul>
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl kubelet-sim -am \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/kb-cp.txt
 * java -Xmx3g -cp kubelet-sim/target/test-classes:kubelet-sim/target/classes:$(cat /tmp/kb-cp.txt) \
 *     io.kubelite.kubelet.bench.KubeletSimBenchmark --nodes 1000 --pods 10000,25000,50000,100000 \
 *     --rate 500 --steady 30 --csv docs/benchmarks/kubelet-sim-heap.csv
 * </pre>
 * Flags: {@code --nodes} (1000), {@code --pods} sizes, ascending (20000), {@code --rate} pods
 * per second (100), {@code --steady} seconds at the largest size (60; 0: none), {@code --csv
 * FILE} (one row per size: {@code pods,heap_mib,bytes_per_pod,etcd_mib}), {@code --histogram
 * DIR} (kubelet-sim's live class histogram at each size, {@code jcmd GC.class_histogram}). The
 * old positional form (nodes, pods, rate, steady seconds) still works. Starts its own etcd
 * ({@code /usr/bin/etcd}, or ETCD_BIN) unless ETCD_ENDPOINTS is set; SIM_JVM_ARGS (default
 * {@code -Xmx1g}) are kubelet-sim's JVM flags; its log goes to SIM_LOG (default a temp file,
 * printed).
 */
public final class KubeletSimBenchmark {
    private static final String PREFIX = "/bench/registry";

    /** What to run. */
    record Options(int nodes, List<Integer> sizes, int rate, int steadySeconds, Path csv, Path histograms) {
        int largest() {
            return sizes.get(sizes.size() - 1);
        }

        static Options parse(String[] args) {
            if (args.length > 0 && !args[0].startsWith("--")) { // nodes pods rate steady
                return new Options(
                        Integer.parseInt(args[0]),
                        List.of(args.length > 1 ? Integer.parseInt(args[1]) : 20000),
                        args.length > 2 ? Integer.parseInt(args[2]) : 100,
                        args.length > 3 ? Integer.parseInt(args[3]) : 60,
                        null,
                        null);
            }
            Map<String, String> f = new java.util.HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                f.put(args[i], args[i + 1]);
            }
            List<Integer> sizes = Arrays.stream(
                            f.getOrDefault("--pods", "20000").split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .sorted()
                    .toList();
            return new Options(
                    Integer.parseInt(f.getOrDefault("--nodes", "1000")),
                    sizes,
                    Integer.parseInt(f.getOrDefault("--rate", "100")),
                    Integer.parseInt(f.getOrDefault("--steady", "60")),
                    f.containsKey("--csv") ? Path.of(f.get("--csv")) : null,
                    f.containsKey("--histogram") ? Path.of(f.get("--histogram")) : null);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        String endpoints = System.getenv("ETCD_ENDPOINTS");
        int code;
        if (endpoints == null || endpoints.isBlank()) {
            // a quota big enough for 100,000 pods and their status churn
            try (ProcessEtcdCluster etcd =
                    ProcessEtcdCluster.start(1, "--quota-backend-bytes", String.valueOf(8L << 30))) {
                code = run(etcd.endpointsString(), etcd.pid(0), o);
            }
        } else {
            code = run(endpoints, -1, o);
        }
        System.exit(code);
    }

    /** Pod #i, bound to node i mod N; even pods have an httpGet readiness and a tcpSocket liveness probe. */
    static Pod pod(int i, int nodes) {
        Container.Builder c;
        if (i % 2 == 0) {
            c = Container.newBuilder()
                    .setName("web")
                    .setImage("nginx")
                    .addPorts(ContainerPort.newBuilder().setName("http").setContainerPort(80))
                    .setReadinessProbe(Probe.newBuilder()
                            .setHttpGet(HTTPGetAction.newBuilder().setPath("/").setPort(IntOrString.of("http")))
                            .setPeriodSeconds(10))
                    .setLivenessProbe(Probe.newBuilder()
                            .setTcpSocket(TCPSocketAction.newBuilder().setPort(IntOrString.of(80)))
                            .setPeriodSeconds(10));
        } else {
            c = Container.newBuilder()
                    .setName("worker")
                    .setImage("busybox")
                    .addAllCommand(List.of("sh", "-c", "touch /tmp/x; sleep 86400"));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("bench-" + i)
                        .setNamespace("default")
                        .putLabels("app", "bench"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("bench-node-" + (i % nodes))
                        .setRestartPolicy("Always")
                        .addContainers(c))
                .build();
    }

    static int run(String endpoints, long etcdPid, Options o) throws Exception {
        int nodes = o.nodes();
        int rate = o.rate();
        System.out.printf(
                "kubelet-sim benchmark: %d nodes, pods %s (probes on half), %d pods/s, %d s steady; %d cores, load %s%n",
                nodes,
                o.sizes(),
                rate,
                o.steadySeconds(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg());
        EtcdConfig cfg = new EtcdConfig(List.of(endpoints.split(",")), PREFIX, Duration.ofSeconds(10));
        try (Etcd etcd = Etcd.connect(cfg)) {
            // ------------------------------------------------------------ raw etcd, same run
            byte[] value = ObjectCodec.encode(PodKind.RESOURCE, pod(0, nodes));
            double txns = RawEtcdFigures.txnRate(etcd, value, 5000, 16);
            System.out.printf("raw etcd: %d-byte compare-and-put txns, 16 in flight: %.0f/s%n", value.length, txns);
            Percentiles rawWatch =
                    RawEtcdFigures.putToWatchLatency(etcd, value, Math.min(o.largest(), rate * 20), rate);
            System.out.printf("raw etcd: put sent -> event seen by a watcher at %d/s: %s%n", rate, rawWatch);

            // ------------------------------------------------------------ kubelet-sim process
            List<String> jvm = Arrays.asList(System.getenv()
                    .getOrDefault("SIM_JVM_ARGS", "-Xmx1g")
                    .trim()
                    .split("\\s+"));
            Path log = System.getenv("SIM_LOG") != null
                    ? Path.of(System.getenv("SIM_LOG"))
                    : Files.createTempFile("kubelet-sim-bench", ".log");
            long t0 = System.nanoTime();
            try (SimProcess sim = SimProcess.start(
                    jvm,
                    List.of(
                            "--etcd-endpoints",
                            endpoints,
                            "--etcd-prefix",
                            PREFIX,
                            "--nodes",
                            Integer.toString(nodes),
                            "--node-name-prefix",
                            "bench-node-",
                            "--pod-cidr-fallback",
                            "10.0.0.0/8"),
                    log)) {
                System.out.printf("kubelet-sim pid %d, JVM %s, log %s%n", sim.pid(), jvm, log);
                if (!sim.awaitReady(Duration.ofMinutes(10))) {
                    System.out.println(
                            "FAILED: kubelet-sim not ready within 10 min (alive " + sim.alive() + "); see its log");
                    return 1;
                }
                System.out.printf(
                        "%d nodes registered, informers synced, ready in %.1f s%n",
                        nodes, (System.nanoTime() - t0) / 1e9);
                long nodesOnlyLiveKiB = sim.liveObjectsKiB();
                long nodesOnlyLive = nodesOnlyLiveKiB >> 10;
                System.out.printf(
                        "kubelet-sim with %d nodes, no pods: live heap %d MiB (heap used after full GC %d MiB), RSS %d MiB%n",
                        nodes, nodesOnlyLive, sim.liveHeapKiB() >> 10, ProcStat.statusMiB(sim.pid(), "VmRSS"));
                List<String> rows = new ArrayList<>();
                rows.add("pods,heap_mib,bytes_per_pod,etcd_mib");
                try (PodLoad load = new PodLoad(etcd, sim, nodes, rate)) {
                    Percentiles latency = null;
                    for (int size : o.sizes()) {
                        latency = load.growTo(size);
                        if (load.running() < size) {
                            System.out.printf("FAILED: only %d/%d pods Running%n", load.running(), size);
                            writeCsv(o.csv(), rows);
                            return 1;
                        }
                        rows.add(heapAt(etcd, sim, size, nodesOnlyLiveKiB, o.histograms()));
                    }
                    writeCsv(o.csv(), rows);
                    if (o.steadySeconds() > 0) {
                        steadyState(
                                etcd, sim, etcdPid, o.steadySeconds(), o.largest(), nodesOnlyLive, rawWatch, latency);
                    }
                    return 0;
                }
            }
        }
    }

    /**
     * kubelet-sim's live heap with {@code pods} Running, per pod above the nodes-only heap, beside
     * the bytes the same pods take in etcd; the CSV row.
     */
    private static String heapAt(Etcd etcd, SimProcess sim, int pods, long nodesOnlyLiveKiB, Path histograms)
            throws Exception {
        long liveKiB = sim.liveObjectsKiB();
        double perPod = (liveKiB - nodesOnlyLiveKiB) * 1024.0 / pods;
        long usedKiB = sim.liveHeapKiB();
        RawEtcdFigures.Stored stored = RawEtcdFigures.storedBytes(etcd, PREFIX + "/pods/");
        System.out.printf(
                "HEAP %d pods Running: kubelet-sim live heap (objects left by a full GC) %.1f MiB, %.0f bytes (%.2f KiB) "
                        + "per pod (target <= 5 KiB); heap used after full GC %.1f MiB; RSS %d MiB; raw: etcd holds %d "
                        + "pod values, %.1f MiB (%.0f bytes per pod); load %s%n",
                pods,
                liveKiB / 1024.0,
                perPod,
                perPod / 1024,
                usedKiB / 1024.0,
                ProcStat.statusMiB(sim.pid(), "VmRSS"),
                stored.keys(),
                stored.mib(),
                stored.keys() == 0 ? 0.0 : (double) stored.valueBytes() / stored.keys(),
                ProcStat.loadavg());
        if (histograms != null) {
            Files.createDirectories(histograms);
            Path f = histograms.resolve("kubelet-sim-histogram-" + pods + ".txt");
            Files.writeString(f, sim.classHistogram());
            System.out.printf("  class histogram of the live heap: %s%n", f);
        }
        return String.format(java.util.Locale.ROOT, "%d,%.1f,%.0f,%.1f", pods, liveKiB / 1024.0, perPod, stored.mib());
    }

    private static void writeCsv(Path csv, List<String> rows) throws java.io.IOException {
        if (csv != null) {
            if (csv.getParent() != null) {
                Files.createDirectories(csv.getParent());
            }
            Files.write(csv, rows);
            System.out.printf("CSV written: %s%n", csv);
        }
    }

    /**
     * The pods of the run: created bound to the nodes at a fixed rate, watched until Running.
     * Grows in steps ({@link #growTo}); the watcher lives across them.
     */
    private static final class PodLoad implements AutoCloseable {
        private final ObjectStore<Pod> pods;
        private final SimProcess sim;
        private final int nodes;
        private final int rate;
        private final Map<String, Long> created = new ConcurrentHashMap<>();
        private final Map<String, Long> running = new ConcurrentHashMap<>();
        private final AtomicInteger failures = new AtomicInteger();
        private final Informer<Pod> watcher;
        private int next;

        PodLoad(Etcd etcd, SimProcess sim, int nodes, int rate) {
            this.pods = new Store(etcd).of(PodKind.RESOURCE);
            this.sim = sim;
            this.nodes = nodes;
            this.rate = rate;
            this.watcher = new Informer<>(pods, "default");
            watcher.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod p) {
                    seen(p);
                }

                @Override
                public void onUpdate(Pod o, Pod n) {
                    seen(n);
                }

                private void seen(Pod p) {
                    if (p.getStatus().getPhase().equals("Running")) {
                        running.putIfAbsent(p.getMetadata().getName(), System.nanoTime());
                    }
                }
            });
            watcher.start();
            if (!watcher.awaitSynced(Duration.ofSeconds(60))) {
                throw new IllegalStateException("benchmark's pod watcher did not sync in 60 s");
            }
        }

        int running() {
            return running.size();
        }

        /** Creates pods up to {@code podCount} in all and waits (at most 5 min) for them to run; their start latency. */
        Percentiles growTo(int podCount) throws Exception {
            int first = next;
            Semaphore inFlight = new Semaphore(64);
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            long lastReport = start;
            for (int i = first; i < podCount; i++) {
                long wait = start + (i - first) * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                inFlight.acquire();
                String name = "bench-" + i;
                pods.create(pod(i, nodes)).whenComplete((p, e) -> {
                    inFlight.release();
                    if (e == null) {
                        created.put(name, System.nanoTime());
                    } else if (failures.incrementAndGet() <= 10) {
                        System.err.println("create " + name + " failed: " + e.getMessage());
                    }
                });
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress(sim, created.size(), running.size());
                }
            }
            next = podCount;
            double createSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%d creates issued in %.1f s (%.0f/s; target %d/s), %d failed in all%n",
                    podCount - first, createSeconds, (podCount - first) / createSeconds, rate, failures.get());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (running.size() < podCount - failures.get() && System.nanoTime() < deadline && sim.alive()) {
                Thread.sleep(200);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress(sim, created.size(), running.size());
                }
            }
            System.out.printf(
                    "%d/%d pods Running %.1f s after the first create of this step%n",
                    running.size(), podCount, (System.nanoTime() - start) / 1e9);
            Percentiles lat = Percentiles.of(created.entrySet().stream()
                    .filter(e -> running.containsKey(e.getKey()))
                    .filter(e -> Integer.parseInt(e.getKey().substring("bench-".length())) >= first)
                    .mapToLong(e -> Math.max(0, running.get(e.getKey()) - e.getValue()))
                    .toArray());
            System.out.printf(
                    "pod start latency (create acknowledged -> Running seen by a watcher) at %d pods/s: %s%n",
                    rate, lat);
            return lat;
        }

        @Override
        public void close() {
            watcher.close();
        }
    }

    private static long revision(Etcd etcd) {
        return etcd.client()
                .getKVClient()
                .get(Etcd.bytes(PREFIX + "/none"))
                .join()
                .getHeader()
                .getRevision();
    }

    private static void progress(SimProcess sim, int created, int running) throws Exception {
        System.out.printf(
                "  ... %d created, %d Running; kubelet-sim: %.0f pods, cpu %.1f s, RSS %d MiB, timer queue %.0f; load %s%n",
                created,
                running,
                sim.metric("kubelet_sim_pods"),
                ProcStat.cpuSeconds(sim.pid()),
                ProcStat.statusMiB(sim.pid(), "VmRSS"),
                sim.metric("kubelet_sim_timer_queue"),
                ProcStat.loadavg());
    }

    private static void steadyState(
            Etcd etcd,
            SimProcess sim,
            long etcdPid,
            int seconds,
            int podCount,
            long nodesOnlyLive,
            Percentiles rawWatch,
            Percentiles latency)
            throws Exception {
        long liveStart = sim.liveHeapMiB();
        double simCpu0 = ProcStat.cpuSeconds(sim.pid());
        double etcdCpu0 = etcdPid > 0 ? ProcStat.cpuSeconds(etcdPid) : 0;
        long benchCpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long rev0 = revision(etcd);
        long wall0 = System.nanoTime();
        long maxRss = 0;
        long maxHeap = 0;
        String load = ProcStat.loadavg();
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            maxRss = Math.max(maxRss, ProcStat.statusMiB(sim.pid(), "VmRSS"));
            if (s % 15 == 0) {
                maxHeap = Math.max(maxHeap, sim.heapUsedMiB());
                load = ProcStat.loadavg();
            }
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        // every write bumps the revision: with no pods being created, these are kubelet-sim's
        // heartbeats (a Lease per node every 10 s) and any pod or node status it writes
        double writesPerSecond = (revision(etcd) - rev0) / wall;
        double simCores = (ProcStat.cpuSeconds(sim.pid()) - simCpu0) / wall;
        double etcdCores = etcdPid > 0 ? (ProcStat.cpuSeconds(etcdPid) - etcdCpu0) / wall : Double.NaN;
        double benchCores = (((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                                .getProcessCpuTime()
                        - benchCpu0)
                / 1e9
                / wall;
        long liveEnd = sim.liveHeapMiB();
        long hwm = ProcStat.statusMiB(sim.pid(), "VmHWM");
        double perPodKiB = podCount == 0 ? 0 : (liveEnd - nodesOnlyLive) * 1024.0 / podCount;
        System.out.printf("steady state over %.0f s, %d pods Running (load at end %s):%n", wall, podCount, load);
        System.out.printf(
                "  kubelet-sim CPU %.3f cores avg (target <= 0.5); etcd %.3f cores; benchmark JVM %.3f cores%n",
                simCores, etcdCores, benchCores);
        System.out.printf(
                "  etcd writes during the window: %.0f/s (all kubelet-sim's: Lease renewals, status writes)%n",
                writesPerSecond);
        System.out.printf(
                "  kubelet-sim heap: live after full GC %d MiB at start, %d MiB at end; max used sampled %d MiB "
                        + "(target <= 1024 MiB; -Xmx as given); RSS max %d MiB, VmHWM %d MiB%n",
                liveStart, liveEnd, maxHeap, maxRss, hwm);
        System.out.printf(
                "  live heap per pod: %.1f KiB (nodes-only live heap %d MiB); at that rate 1 GiB holds about %.0f pods%n",
                perPodKiB, nodesOnlyLive, perPodKiB <= 0 ? Double.NaN : (1024 - nodesOnlyLive) * 1024.0 / perPodKiB);
        System.out.printf(
                "SUMMARY pod start p50 %.0f ms / p99 %.0f ms vs raw etcd put->watch p50 %.0f ms / p99 %.0f ms; "
                        + "steady CPU %.3f cores; live heap %d MiB; RSS %d MiB%n",
                latency.p50Ms(), latency.p99Ms(), rawWatch.p50Ms(), rawWatch.p99Ms(), simCores, liveEnd, maxRss);
    }
}
