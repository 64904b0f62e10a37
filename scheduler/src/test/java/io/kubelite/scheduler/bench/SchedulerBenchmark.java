package io.kubelite.scheduler.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Container;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.TopologySpreadConstraint;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.scheduler.Scheduler;
import io.kubelite.scheduler.SchedulerConfig;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Fence;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.testing.JitWarmth;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Scheduler throughput, next to the raw etcd operation it depends on, in one run.
 *
 * <p>For each case: Node objects are written straight into etcd, the pods are created
 * pending, then a {@link Scheduler} starts in this process (leading with a real fence, as
 * a leader-elected scheduler does). Throughput = pods bound / time from informer sync to
 * the last bind. Right before and right after the scheduler, the same etcd is driven with
 * raw jetcd txns of the bind's shape (compare the pod's mod_revision and the fence key's
 * create_revision, put a value of the bound pod's size) at the scheduler's bind
 * concurrency; the mean of the two is the raw figure, and the ratio is printed.
 *
 * <p>Cases (kube's SchedulingBasic and TopologySpreading): {@code basic} N nodes × 10 N
 * pods; {@code spread} N nodes in 10 zones × 5 N pods with a hard zone spread constraint
 * (maxSkew 1, DoNotSchedule). Each case runs for every node count asked for.
 *
 * <p>Before the measured cases, every case asked for runs unrecorded with {@code
 * --warmup-pods} pods (5,000; 0 for none) on the first node count, pass after pass, until a pass
 * in which the JIT compilers took at most a tenth of the JVM's CPU in every case (at most {@code
 * --warmup-passes}, 20). That brings the JVM to steady state (compiled code, heap sizes, the etcd
 * client's connections), as kube's scheduler_perf schedules its {@code initPods} before the pods
 * it measures: a scheduler is a long-running process. One pass was not enough: after 5,000 pods
 * of each case the C2 compiler still took a third of the JVM's CPU through the next 30,000 pods
 * (on two cores, CPU that etcd then lacked), and the first measured runs measured it. Every run
 * prints the compilers' time per pod beside the JVM's CPU, so a run that still paid for them shows.
 *
 * <p>{@code --repeats N} runs every measured case N times in a row, each on fresh objects and
 * with its own raw figure, and prints each ratio's spread: at 1,000 nodes a case lasts 2 to 4
 * seconds, and one run says little about the next.
 *
 * <p>Usage: {@code SchedulerBenchmark [--etcd-endpoints host:port] [--cases basic,spread]
 * [--nodes 1000,2000,5000] [--pods N] [--warmup-pods N] [--warmup-passes N] [--repeats N] [--parallelism N]
 * [--csv FILE]} ({@code --parallelism}: the scheduler's, 0 for its default). Without endpoints
 * it starts a throwaway etcd ({@code etcd} on PATH or {@code ETCD_BIN}) on free loopback ports.
 * {@code --csv} writes {@code case,nodes,pods,pods_per_s,raw_txn_per_s,ratio,cpu_ms_per_pod,jit_ms_per_pod}, one
 * line per run (docs/benchmarks/scheduler-throughput.csv).
 */
public final class SchedulerBenchmark {
    private static final int NODES = 1000;

    /** One case on one cluster size, with the raw etcd figure of the same run. */
    private record Row(
            String name,
            int nodes,
            int pods,
            double podsPerSec,
            double rawTxnPerSec,
            double cpuMsPerPod,
            double jitMsPerPod) {
        double ratio() {
            return podsPerSec / rawTxnPerSec;
        }

        /** The JIT compilers' time as a share of the JVM's CPU in this run's window. */
        double jitShare() {
            return cpuMsPerPod > 0 ? jitMsPerPod / cpuMsPerPod : 0;
        }

        String csv() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%s,%d,%d,%.0f,%.0f,%.3f,%.3f,%.3f",
                    name,
                    nodes,
                    pods,
                    podsPerSec,
                    rawTxnPerSec,
                    ratio(),
                    cpuMsPerPod,
                    jitMsPerPod);
        }
    }

    private SchedulerBenchmark() {}

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    public static void main(String[] args) throws Exception {
        String endpoints = null;
        List<String> cases = List.of("basic", "spread");
        List<Integer> nodeCounts = List.of(NODES);
        int podsOverride = 0;
        int warmupPods = 5_000;
        int warmupPasses = 20;
        int repeats = 1;
        int parallelism = 0;
        String csv = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--etcd-endpoints" -> endpoints = args[++i];
                case "--cases", "--case" ->
                    cases = args[++i].equals("all") ? List.of("basic", "spread") : List.of(args[i].split(","));
                case "--nodes" ->
                    nodeCounts = Arrays.stream(args[++i].split(","))
                            .map(Integer::parseInt)
                            .toList();
                case "--pods" -> podsOverride = Integer.parseInt(args[++i]);
                case "--warmup-pods" -> warmupPods = Integer.parseInt(args[++i]);
                case "--warmup-passes" -> warmupPasses = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--csv" -> csv = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        for (String c : cases) {
            if (!c.equals("basic") && !c.equals("spread")) {
                throw new IllegalArgumentException("unknown case " + c + " (basic, spread)");
            }
        }
        ProcessEtcdCluster started = null;
        if (endpoints == null) {
            started = ProcessEtcdCluster.start(1, "--quota-backend-bytes", String.valueOf(4L << 30));
            endpoints = started.endpointsString();
        }
        try {
            System.out.printf(
                    "scheduler benchmark: nproc=%d, parallelism %d, etcd %s%s, nodes %s, cases %s, load average %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    config(parallelism).effectiveParallelism(),
                    endpoints,
                    started != null ? " (started by the benchmark, same machine)" : "",
                    nodeCounts,
                    cases,
                    loadAverage());
            if (warmupPods > 0) {
                warmUp(endpoints, config(parallelism), cases, nodeCounts.get(0), warmupPods, warmupPasses);
            }
            List<Row> rows = new ArrayList<>();
            for (int nodes : nodeCounts) {
                for (String c : cases) {
                    boolean spread = c.equals("spread");
                    int pods = podsOverride > 0 ? podsOverride : (spread ? 5 : 10) * nodes;
                    for (int r = 0; r < repeats; r++) {
                        rows.add(run(endpoints, config(parallelism), c, nodes, pods, spread));
                    }
                }
            }
            if (repeats > 1) {
                printSpread(rows);
            }
            if (csv != null) {
                StringBuilder sb = new StringBuilder(
                        "case,nodes,pods,pods_per_s,raw_txn_per_s,ratio,cpu_ms_per_pod,jit_ms_per_pod\n");
                rows.forEach(r -> sb.append(r.csv()).append('\n'));
                java.nio.file.Files.writeString(java.nio.file.Path.of(csv), sb.toString());
                System.out.println("wrote " + csv);
            }
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    /**
     * Unrecorded passes over {@code cases} with {@code pods} pods each, until a pass in which
     * the JIT compilers took at most {@link JitWarmth#QUIET_SHARE} of the JVM's CPU in every case,
     * or {@code maxPasses} passes. A scheduler is a long-running process: what is measured is
     * its steady state, not its first minute of compilation.
     */
    private static void warmUp(
            String endpoints, SchedulerConfig cfg, List<String> cases, int nodes, int pods, int maxPasses)
            throws Exception {
        for (int pass = 1; pass <= maxPasses; pass++) {
            List<String> busy = new ArrayList<>();
            for (String c : cases) {
                Row w = run(endpoints, cfg, "warmup-" + c, nodes, pods, c.equals("spread"));
                if (w.jitShare() > JitWarmth.QUIET_SHARE) {
                    busy.add(String.format("%s %.0f %%", c, w.jitShare() * 100));
                }
            }
            if (busy.isEmpty()) {
                System.out.printf(
                        "warm-up: JIT compilers at most %.0f %% of the JVM's CPU in every case after %d pass(es) of %d pods%n",
                        JitWarmth.QUIET_SHARE * 100, pass, pods);
                return;
            }
            System.out.println(
                    "warm-up pass " + pass + ": JIT compilers still " + String.join(", ", busy) + " of the JVM's CPU");
        }
        System.out.printf(
                "warm-up: JIT compilers still busy after %d passes; the figures below include compilation%n",
                maxPasses);
    }

    /** Per case and node count: the ratios of its runs, lowest to highest, and their median. */
    private static void printSpread(List<Row> rows) {
        Map<String, List<Row>> byCase = new java.util.LinkedHashMap<>();
        rows.forEach(r -> byCase.computeIfAbsent(r.name() + " " + r.nodes(), k -> new ArrayList<>())
                .add(r));
        byCase.forEach((name, runs) -> {
            double[] ratios = runs.stream().mapToDouble(Row::ratio).sorted().toArray();
            double[] cpu = runs.stream().mapToDouble(Row::cpuMsPerPod).sorted().toArray();
            System.out.printf(
                    "%-12s %d runs: ratio %s (median %.2f) | scheduler JVM CPU ms per pod %s (median %.3f)%n",
                    name,
                    runs.size(),
                    Arrays.toString(Arrays.stream(ratios)
                            .map(x -> Math.round(x * 100) / 100.0)
                            .toArray()),
                    median(ratios),
                    Arrays.toString(Arrays.stream(cpu)
                            .map(x -> Math.round(x * 1000) / 1000.0)
                            .toArray()),
                    median(cpu));
        });
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** kube-scheduler's defaults, with {@code parallelism} (0: the scheduler's default). */
    private static SchedulerConfig config(int parallelism) {
        SchedulerConfig d = SchedulerConfig.defaults("default-scheduler", "bench");
        return new SchedulerConfig(
                d.schedulerName(),
                d.identity(),
                d.initialBackoff(),
                d.maxBackoff(),
                d.maxInFlightBinds(),
                d.percentageOfNodesToScore(),
                parallelism);
    }

    private static Row run(
            String endpoints, SchedulerConfig cfg, String name, int nodeCount, int podCount, boolean spread)
            throws Exception {
        String prefix = "/bench-" + name + "-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd =
                Etcd.connect(new EtcdConfig(Arrays.asList(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            Store store = new Store(etcd);
            ObjectStore<Node> nodes = store.of(NodeKind.RESOURCE);
            ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
            int zones = spread ? 10 : 1;
            concurrently(nodeCount, 128, i -> nodes.create(node(i, zones)));
            concurrently(podCount, 256, i -> pods.create(pod(i, spread)));

            // the leader key a leader-elected scheduler would hold, for the fence compare
            String leaderKey = etcd.prefix() + "/_kubelite/leader/scheduler/bench";
            long token = etcd.client()
                    .getKVClient()
                    .put(Etcd.bytes(leaderKey), Etcd.bytes("bench"))
                    .get()
                    .getHeader()
                    .getRevision();
            Fence fence = Fence.onKey(leaderKey, token);

            // raw etcd: the bind's txn shape at the same concurrency, on fresh keys of the same
            // size, once before and once after the scheduler (the machine's load moves; the
            // mean of the two brackets the scheduler's run)
            int rawOps = Math.min(podCount, 10_000);
            Raw before = rawTxnRate(etcd, prefix + "/before", rawOps, cfg.maxInFlightBinds(), leaderKey, token);
            Scheduler s = new Scheduler(etcd, cfg);
            long t0 = System.nanoTime();
            s.start();
            s.startLeading(fence);
            // this JVM's CPU (scheduler, its informers and etcd client, GC) from sync to the
            // last bind: load-independent, unlike pods/s; sampled at the first poll after each
            long cpuAtSync = -1;
            long etcdCpuAtSync = -1;
            long loopCpuAtSync = -1;
            long loopThread = -1;
            long jitMsAtSync = -1;
            while (s.boundCount() < podCount) {
                Thread.sleep(5);
                if (cpuAtSync < 0 && s.syncedNanos() != 0) {
                    cpuAtSync = JitWarmth.processCpuNanos();
                    etcdCpuAtSync = childrenCpuNanos();
                    loopThread = threadNamed("scheduler-loop");
                    loopCpuAtSync = threadCpuNanos(loopThread);
                    jitMsAtSync = JitWarmth.compilerMillis();
                }
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException(
                            "only " + s.boundCount() + " of " + podCount + " bound after 10 minutes");
                }
            }
            long cpuAtEnd = JitWarmth.processCpuNanos();
            double cpuMsPerPod = (cpuAtEnd - cpuAtSync) / 1e6 / podCount;
            double etcdCpuMsPerPod = (childrenCpuNanos() - etcdCpuAtSync) / 1e6 / podCount;
            double secs = (s.lastBindNanos() - s.syncedNanos()) / 1e9;
            // the scheduling cycle is serial (as kube's): a loop near 100 % busy caps pods/s whatever etcd can do
            double loopBusy = (threadCpuNanos(loopThread) - loopCpuAtSync) / 1e9 / secs;
            double jitMsPerPod = (double) (JitWarmth.compilerMillis() - jitMsAtSync) / podCount;
            double podsPerSec = podCount / secs;
            long attempts = s.attempts();
            long unsched = s.unschedulableAttempts();
            long failures = s.bindFailures();
            long events = s.eventsWritten();
            long notDecoded = s.boundPodsNotDecoded();
            s.close();

            String verdict = verify(store, pods, podCount, spread);

            Raw after = rawTxnRate(etcd, prefix + "/after", rawOps, cfg.maxInFlightBinds(), leaderKey, token);
            double rawBefore = before.txnPerSec();
            double rawAfter = after.txnPerSec();
            double raw = (rawBefore + rawAfter) / 2;
            double rawEtcdCpuMs = (before.etcdCpuMsPerTxn() + after.etcdCpuMsPerTxn()) / 2;
            System.out.printf(
                    "%-6s %5d nodes x %5d pods: %7.0f pods/s (%.2f s from sync to last bind; %d attempts, "
                            + "%d unschedulable, %d bind failures, %d Scheduled events in the binds' txns, %d bound pods not decoded by the watch) | raw etcd bind-shaped txn: %7.0f txn/s (mean of %.0f before and %.0f after) at %d in flight "
                            + "| ratio %.2f | scheduler JVM CPU %.3f ms per pod (%.2f cores; scheduling thread %.0f %% busy; JIT compilers %.3f ms per pod) | etcd CPU %.3f ms per pod, %.3f ms per raw txn | %s | load average %s%n",
                    name,
                    nodeCount,
                    podCount,
                    podsPerSec,
                    secs,
                    attempts,
                    unsched,
                    failures,
                    events,
                    notDecoded,
                    raw,
                    rawBefore,
                    rawAfter,
                    cfg.maxInFlightBinds(),
                    podsPerSec / raw,
                    cpuMsPerPod,
                    cpuMsPerPod * podsPerSec / 1000,
                    loopBusy * 100,
                    jitMsPerPod,
                    etcdCpuMsPerPod,
                    rawEtcdCpuMs,
                    verdict,
                    loadAverage());
            return new Row(name, nodeCount, podCount, podsPerSec, raw, cpuMsPerPod, jitMsPerPod);
        }
    }

    /** The id of this JVM's live thread named {@code name}, or -1. */
    private static long threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        return -1;
    }

    /** CPU time of thread {@code id} in nanoseconds (0 when there is no such thread). */
    private static long threadCpuNanos(long id) {
        return id < 0
                ? 0
                : Math.max(
                        0,
                        java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(id));
    }

    private static String verify(Store store, ObjectStore<Pod> pods, int podCount, boolean spread) {
        List<Pod> all = pods.list(ListOptions.inNamespace("bench")).join().items();
        long bound =
                all.stream().filter(p -> !p.getSpec().getNodeName().isEmpty()).count();
        if (bound != podCount) {
            return "FAILED: " + bound + " of " + podCount + " bound";
        }
        ObjectStore<io.kubelite.api.Event> events = store.of(io.kubelite.kinds.core.event.EventKind.RESOURCE);
        long scheduled = events.list(ListOptions.inNamespace("bench")).join().items().stream()
                .filter(e -> e.getReason().equals("Scheduled"))
                .map(e -> e.getInvolvedObject().getName())
                .distinct()
                .count();
        if (scheduled != podCount) {
            return "FAILED: " + scheduled + " of " + podCount + " bound pods have a Scheduled Event in etcd";
        }
        if (!spread) {
            return "all bound, each with its Scheduled Event in etcd";
        }
        Map<String, Integer> perZone = new HashMap<>();
        for (Pod p : all) {
            int node = Integer.parseInt(p.getSpec().getNodeName().substring(5));
            perZone.merge("zone-" + (node % 10), 1, Integer::sum);
        }
        int min = perZone.values().stream().min(Comparator.naturalOrder()).orElse(0);
        int max = perZone.values().stream().max(Comparator.naturalOrder()).orElse(0);
        return "all bound, each with its Scheduled Event in etcd, per-zone skew " + (max - min)
                + (max - min <= 1 ? " (ok)" : " (VIOLATED)");
    }

    /** Raw bind-shaped txns: their rate, and etcd's CPU per txn (NaN when etcd is not this process's child). */
    private record Raw(double txnPerSec, double etcdCpuMsPerTxn) {}

    /**
     * CPU time of this process's descendants: the etcd the benchmark started (0 when it
     * attached to another one), so that etcd's share of each pod is seen beside the JVM's.
     */
    private static long childrenCpuNanos() {
        return ProcessHandle.current()
                .descendants()
                .mapToLong(p -> p.info()
                        .totalCpuDuration()
                        .map(java.time.Duration::toNanos)
                        .orElse(0L))
                .sum();
    }

    private static Raw rawTxnRate(Etcd etcd, String prefix, int ops, int inFlight, String leaderKey, long token)
            throws Exception {
        KV kv = etcd.client().getKVClient();
        byte[] value = ObjectCodec.encode(PodKind.RESOURCE, boundPodShape());
        ByteSequence v = ByteSequence.from(value);
        ByteSequence fenceKey = Etcd.bytes(leaderKey);
        long[] revs = new long[ops];
        concurrently(
                ops,
                256,
                i -> kv.put(Etcd.bytes(prefix + "/rawbench/" + i), v)
                        .thenApply(r -> revs[i] = r.getHeader().getRevision()));
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        long etcdCpu0 = childrenCpuNanos();
        List<CompletableFuture<?>> all = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            slots.acquire();
            ByteSequence key = Etcd.bytes(prefix + "/rawbench/" + i);
            CompletableFuture<?> f = kv.txn()
                    .If(
                            new Cmp(fenceKey, Cmp.Op.EQUAL, CmpTarget.createRevision(token)),
                            new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revs[i])))
                    .Then(Op.put(key, v, PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .whenComplete((r, err) -> {
                        slots.release();
                        if (err != null || !r.isSucceeded()) {
                            failed.incrementAndGet();
                        }
                    });
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        double secs = (System.nanoTime() - t0) / 1e9;
        double etcdCpuMs = (childrenCpuNanos() - etcdCpu0) / 1e6;
        if (failed.get() > 0) {
            System.out.println("  (raw txn: " + failed.get() + " compares failed)");
        }
        return new Raw(ops / secs, etcdCpuMs / ops);
    }

    private static void concurrently(int n, int inFlight, IntFunction<CompletableFuture<?>> op) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.acquire();
            all.add(op.apply(i).whenComplete((r, e) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }

    private static Node node(int i, int zones) {
        String name = String.format("node-%04d", i);
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .putLabels("kubernetes.io/hostname", name)
                        .putLabels("topology.kubernetes.io/zone", "zone-" + (i % zones)))
                .setSpec(NodeSpec.newBuilder())
                .setStatus(NodeStatus.newBuilder()
                        .putAllocatable("cpu", "4")
                        .putAllocatable("memory", "32Gi")
                        .putAllocatable("pods", "110")
                        .putCapacity("cpu", "4")
                        .putCapacity("memory", "32Gi")
                        .putCapacity("pods", "110")
                        .addConditions(
                                NodeCondition.newBuilder().setType("Ready").setStatus("True")))
                .build();
    }

    private static Pod pod(int i, boolean spread) {
        PodSpec.Builder spec = PodSpec.newBuilder()
                .setSchedulerName("default-scheduler")
                .addContainers(Container.newBuilder()
                        .setName("pause")
                        .setImage("registry.k8s.io/pause:3.9")
                        .setResources(ResourceRequirements.newBuilder()
                                .putRequests("cpu", "100m")
                                .putRequests("memory", "500Mi")));
        Map<String, String> labels = Map.of("app", spread ? "spread" : "basic");
        if (spread) {
            spec.addTopologySpreadConstraints(TopologySpreadConstraint.newBuilder()
                    .setMaxSkew(1)
                    .setTopologyKey("topology.kubernetes.io/zone")
                    .setWhenUnsatisfiable("DoNotSchedule")
                    .setLabelSelector(LabelSelector.newBuilder().putAllMatchLabels(labels)));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(String.format("pod-%05d", i))
                        .setNamespace("bench")
                        .putAllLabels(labels))
                .setSpec(spec)
                .build();
    }

    private static Pod boundPodShape() {
        Pod p = pod(0, false);
        return p.toBuilder()
                .setSpec(p.getSpec().toBuilder().setNodeName("node-0000"))
                .build();
    }
}
