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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kubelet-sim at scale (issue #4 item 9). kubelet-sim runs as its own OS process
 * ({@link SimProcess}, {@code -Xmx1g} by default) with N nodes; this JVM creates P pods,
 * already bound round-robin to those nodes (probes on half), at a fixed rate, and a
 * watcher records when each is first seen Running. Prints, with the 1-minute load
 * average of the machine:
 * <ul>
 *   <li>the raw etcd figures of the same run ({@link RawEtcdFigures}): pod-sized
 *       compare-and-put txns/s, and put → watch-event latency at the same rate;</li>
 *   <li>node registration time and kubelet-sim's live heap with nodes but no pods;</li>
 *   <li>pod start latency (create acknowledged → Running seen) p50/p99;</li>
 *   <li>kubelet-sim's steady state with all pods running, over the window: CPU from
 *       /proc utime+stime deltas, used heap before and after a full GC, RSS; the per-pod
 *       live heap extrapolated.</li>
 * </ul>
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl kubelet-sim -am \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/kb-cp.txt
 * java -Xmx2g -cp kubelet-sim/target/test-classes:kubelet-sim/target/classes:$(cat /tmp/kb-cp.txt) \
 *     io.kubelite.kubelet.bench.KubeletSimBenchmark 1000 20000 100 60
 * </pre>
 * Arguments: nodes, pods, pods per second, steady-state seconds. Starts its own etcd
 * ({@code /usr/bin/etcd}, or ETCD_BIN) unless ETCD_ENDPOINTS is set; SIM_JVM_ARGS
 * (default {@code -Xmx1g}) are kubelet-sim's JVM flags; its log goes to SIM_LOG
 * (default a temp file, printed).
 */
public final class KubeletSimBenchmark {
    private static final String PREFIX = "/bench/registry";

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int podCount = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int steadySeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        String endpoints = System.getenv("ETCD_ENDPOINTS");
        int code;
        if (endpoints == null || endpoints.isBlank()) {
            // a quota big enough for 20,000 pods and their status churn
            try (ProcessEtcdCluster etcd =
                    ProcessEtcdCluster.start(1, "--quota-backend-bytes", String.valueOf(8L << 30))) {
                code = run(etcd.endpointsString(), etcd.pid(0), nodes, podCount, rate, steadySeconds);
            }
        } else {
            code = run(endpoints, -1, nodes, podCount, rate, steadySeconds);
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

    static int run(String endpoints, long etcdPid, int nodes, int podCount, int rate, int steadySeconds)
            throws Exception {
        System.out.printf(
                "kubelet-sim benchmark: %d nodes, %d pods (probes on half), %d pods/s, %d s steady; %d cores, load %s%n",
                nodes, podCount, rate, steadySeconds, Runtime.getRuntime().availableProcessors(), ProcStat.loadavg());
        EtcdConfig cfg = new EtcdConfig(List.of(endpoints.split(",")), PREFIX, Duration.ofSeconds(10));
        try (Etcd etcd = Etcd.connect(cfg)) {
            // ------------------------------------------------------------ raw etcd, same run
            byte[] value = ObjectCodec.encode(PodKind.RESOURCE, pod(0, nodes));
            double txns = RawEtcdFigures.txnRate(etcd, value, 5000, 16);
            System.out.printf("raw etcd: %d-byte compare-and-put txns, 16 in flight: %.0f/s%n", value.length, txns);
            Percentiles rawWatch = RawEtcdFigures.putToWatchLatency(etcd, value, Math.min(podCount, rate * 20), rate);
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
                long nodesOnlyLive = sim.liveHeapMiB();
                System.out.printf(
                        "kubelet-sim with %d nodes, no pods: live heap %d MiB, RSS %d MiB%n",
                        nodes, nodesOnlyLive, ProcStat.statusMiB(sim.pid(), "VmRSS"));
                Result r = createAndWatch(etcd, sim, nodes, podCount, rate);
                if (r.running < podCount) {
                    System.out.printf("FAILED: only %d/%d pods Running%n", r.running, podCount);
                }
                steadyState(etcd, sim, etcdPid, steadySeconds, podCount, nodesOnlyLive, rawWatch, r.latency);
                return r.running < podCount ? 1 : 0;
            }
        }
    }

    private record Result(int running, Percentiles latency) {}

    private static Result createAndWatch(Etcd etcd, SimProcess sim, int nodes, int podCount, int rate)
            throws Exception {
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        try (Informer<Pod> watcher = new Informer<>(pods, "default")) {
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
            Semaphore inFlight = new Semaphore(64);
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            long lastReport = start;
            for (int i = 0; i < podCount; i++) {
                long wait = start + i * interval - System.nanoTime();
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
            double createSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%d creates issued in %.1f s (%.0f/s; target %d/s), %d failed%n",
                    podCount, createSeconds, podCount / createSeconds, rate, failures.get());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (running.size() < podCount - failures.get() && System.nanoTime() < deadline && sim.alive()) {
                Thread.sleep(200);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress(sim, created.size(), running.size());
                }
            }
            System.out.printf(
                    "%d/%d pods Running %.1f s after the first create%n",
                    running.size(), podCount, (System.nanoTime() - start) / 1e9);
            Percentiles lat = Percentiles.of(created.entrySet().stream()
                    .filter(e -> running.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, running.get(e.getKey()) - e.getValue()))
                    .toArray());
            System.out.printf(
                    "pod start latency (create acknowledged -> Running seen by a watcher) at %d pods/s: %s%n",
                    rate, lat);
            return new Result(running.size(), lat);
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
