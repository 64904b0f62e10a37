package io.kubelite.bench.rollout;

import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.DeploymentStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.RollingUpdateDeployment;
import io.kubelite.bench.common.ComponentProcess;
import io.kubelite.bench.common.ProcStat;
import io.kubelite.bench.common.Trees;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Deployment rollout at scale (issue 14); a program, not a test.
 *
 * <p>Starts a throw-away durable etcd (or uses {@code --etcd-endpoints}), then kubelet-sim
 * with N nodes, the controller-manager (all controllers) and the scheduler, each as its own
 * OS process running the main class {@code kubelite <component>} runs. Creates a Deployment
 * of R replicas (RollingUpdate, maxSurge 25 %, maxUnavailable 25 %), times it to all
 * available, then changes the pod template's image and times the rollout to complete:
 * observed generation current, updated = available = replicas = R, the old ReplicaSet at 0
 * and no old pod object left. A jetcd watch classifies every write in both windows
 * ({@link WriteTally}). Afterwards the raw etcd floor for the same number of pod creates and
 * deletes ({@link RawCreateDelete}) is measured on the same etcd, once with the components
 * still running (idle cluster: lease renewals) and once with them stopped.
 *
 * <p>Usage: {@code RolloutBenchmark [--replicas 5000] [--nodes 1000] [--raw-inflight 500]
 * [--component-heap 1g] [--component-log-level warn] [--timeout-minutes 30]
 * [--etcd-endpoints host:port] [--log-dir DIR] [--sim-args "more kubelet-sim flags"]}
 */
public final class RolloutBenchmark {
    private static final String NS = "default";
    private static final String NAME = "rollout";

    private final Options o;
    private final Etcd etcd;
    private final String endpoints;
    private final long etcdPid;
    private final ObjectStore<Deployment> deployments;
    private final ObjectStore<ReplicaSet> replicaSets;

    private RolloutBenchmark(Options o, Etcd etcd, String endpoints, long etcdPid) {
        this.o = o;
        this.etcd = etcd;
        this.endpoints = endpoints;
        this.etcdPid = etcdPid;
        Store store = new Store(etcd);
        this.deployments = store.of(DeploymentKind.RESOURCE);
        this.replicaSets = store.of(ReplicaSetKind.RESOURCE);
    }

    /** Command-line flags. */
    record Options(
            List<String> simArgs,
            int replicas,
            int nodes,
            int rawInflight,
            String componentHeap,
            String logLevel,
            int timeoutMinutes,
            String endpoints,
            Path logDir) {
        static Options parse(String[] args) throws java.io.IOException {
            int replicas = 5000;
            int nodes = 1000;
            int inflight = 500;
            String heap = "1g";
            String level = "warn";
            int timeout = 30;
            String endpoints = null;
            Path logs = null;
            List<String> simArgs = List.of();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--raw-inflight" -> inflight = Integer.parseInt(args[++i]);
                    case "--component-heap" -> heap = args[++i];
                    case "--component-log-level" -> level = args[++i];
                    case "--timeout-minutes" -> timeout = Integer.parseInt(args[++i]);
                    case "--etcd-endpoints" -> endpoints = args[++i];
                    case "--log-dir" -> logs = Path.of(args[++i]);
                    case "--sim-args" ->
                        simArgs = args[++i].isBlank()
                                ? List.of()
                                : List.of(args[i].trim().split("\\s+"));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (logs == null) {
                logs = Files.createTempDirectory("kubelite-rollout-bench");
            }
            Files.createDirectories(logs);
            return new Options(simArgs, replicas, nodes, inflight, heap, level, timeout, endpoints, logs);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        EtcdMember local = null;
        Path etcdDir = null;
        String endpoints = o.endpoints();
        long etcdPid = -1;
        if (endpoints == null) {
            Path dir = Files.createTempDirectory("kubelite-rollout-etcd");
            etcdDir = dir;
            local = EtcdMember.startHealthy(
                    EtcdBinary.etcd()
                            .orElseThrow(() -> new IllegalStateException(
                                    "no etcd binary: install etcd-server or pass --etcd-endpoints")),
                    EtcdMember.Spec.single(
                                    "bench", dir.resolve("data"), o.logDir().resolve("etcd.log"))
                            .withFlags("--quota-backend-bytes", String.valueOf(8L << 30)),
                    Duration.ofSeconds(30));
            endpoints = local.endpoint();
            etcdPid = local.pid();
        }
        int code;
        String prefix = "/rollout-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            code = new RolloutBenchmark(o, etcd, endpoints, etcdPid).run();
        } finally {
            if (local != null) {
                local.close();
                Trees.delete(etcdDir);
            }
        }
        System.exit(code);
    }

    /** Removes the throw-away etcd's data (hundreds of MB after a full run); its log stays in --log-dir. */
    private int run() throws Exception {
        String version = etcd.client()
                .getMaintenanceClient()
                .statusMember(
                        endpoints.split(",")[0].startsWith("http")
                                ? endpoints.split(",")[0]
                                : "http://" + endpoints.split(",")[0])
                .join()
                .getVersion();
        System.out.printf(
                "rollout benchmark: %s, %d replicas on %d nodes, %d cores, etcd %s at %s, load %s, logs in %s%n",
                Instant.now(),
                o.replicas(),
                o.nodes(),
                Runtime.getRuntime().availableProcessors(),
                version,
                endpoints,
                ProcStat.loadavg(),
                o.logDir());
        List<ComponentProcess> components = new ArrayList<>();
        try {
            startComponents(components);
            long before = currentRevision();
            try (WriteTally tally = new WriteTally(etcd, before + 1)) {
                return measure(components, tally, before);
            }
        } finally {
            for (ComponentProcess c : components) {
                c.close();
            }
        }
    }

    private void startComponents(List<ComponentProcess> out) throws Exception {
        List<String> jvm = List.of("-Xmx" + o.componentHeap(), "-XX:+UseParallelGC");
        List<String> common =
                List.of("--etcd-endpoints", endpoints, "--etcd-prefix", etcd.prefix(), "--log-level", o.logLevel());
        long t0 = System.nanoTime();
        out.add(ComponentProcess.start(
                "kubelet-sim",
                "io.kubelite.kubelet.KubeletSimMain",
                jvm,
                concat(
                        concat(common, o.simArgs().toArray(String[]::new)),
                        "--nodes",
                        Integer.toString(o.nodes()),
                        "--node-name-prefix",
                        "bench-node-",
                        "--pod-cidr-fallback",
                        "10.0.0.0/8"),
                o.logDir().resolve("kubelet-sim.log")));
        out.add(ComponentProcess.start(
                "controller-manager",
                "io.kubelite.controllers.ControllerManagerMain",
                jvm,
                // 1,000 nodes need more /24s than the default 10.244.0.0/16 holds
                concat(common, "--cluster-cidr", "10.0.0.0/8"),
                o.logDir().resolve("controller-manager.log")));
        out.add(ComponentProcess.start(
                "scheduler",
                "io.kubelite.scheduler.SchedulerMain",
                jvm,
                common,
                o.logDir().resolve("scheduler.log")));
        for (ComponentProcess c : out) {
            if (!c.awaitReady(Duration.ofMinutes(10))) {
                throw new IllegalStateException(c.name() + " not ready within 10 min; see " + c.log());
            }
        }
        System.out.printf(
                "components ready in %.1f s (each its own JVM, %s): %s%n",
                (System.nanoTime() - t0) / 1e9,
                jvm,
                out.stream().map(c -> c.name() + " pid " + c.pid()).toList());
        awaitNodes(t0);
    }

    /**
     * /readyz answers before the controller-manager leads and before node IPAM has cut every
     * node's pod CIDR (a Node write each): wait for all nodes to be Ready with a pod CIDR, so the
     * measured phases do not share the machine with cluster bring-up.
     */
    private void awaitNodes(long t0) throws InterruptedException {
        ObjectStore<Node> nodes = new Store(etcd).of(NodeKind.RESOURCE);
        long deadline =
                System.nanoTime() + Duration.ofMinutes(o.timeoutMinutes()).toNanos();
        long lastPrint = System.nanoTime();
        while (true) {
            List<Node> all = nodes.list(ListOptions.all()).join().items();
            long withCidr = all.stream()
                    .filter(n -> !n.getSpec().getPodCidr().isEmpty())
                    .count();
            long ready = all.stream()
                    .filter(n -> n.getStatus().getConditionsList().stream()
                            .anyMatch(c ->
                                    c.getType().equals("Ready") && c.getStatus().equals("True")))
                    .count();
            if (all.size() >= o.nodes() && withCidr >= o.nodes() && ready >= o.nodes()) {
                System.out.printf(
                        "%d nodes Ready with a pod CIDR %.1f s after the components started%n",
                        all.size(), (System.nanoTime() - t0) / 1e9);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(
                        "nodes not ready in time: %d registered, %d with a pod CIDR, %d Ready (want %d)",
                        all.size(), withCidr, ready, o.nodes()));
            }
            if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  bring-up t=%6.1f s  nodes %d, with a pod CIDR %d, Ready %d; load %s%n",
                        (lastPrint - t0) / 1e9, all.size(), withCidr, ready, ProcStat.loadavg());
            }
            Thread.sleep(500);
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    private int measure(List<ComponentProcess> components, WriteTally tally, long startRev) throws Exception {
        Deployment created = deployments.create(deployment(o.replicas())).join();
        long t0 = System.nanoTime();
        long createRev = Long.parseLong(created.getMetadata().getResourceVersion());
        Deadline deadline = new Deadline(Duration.ofMinutes(o.timeoutMinutes()));
        State s = awaitState("scale-up", t0, deadline, null, this::allAvailable);
        if (s == null) {
            return 1;
        }
        double scaleUp = (System.nanoTime() - t0) / 1e9;
        long availableRev = currentRevision();
        String oldRs = s.newRs == null ? "" : s.newRs.getMetadata().getName();
        System.out.printf("all %d available %.2f s after the Deployment was created%n", o.replicas(), scaleUp);

        Map<ComponentProcess, Double> cpu0 = cpu(components);
        double etcdCpu0 = etcdPid > 0 ? ProcStat.cpuSeconds(etcdPid) : Double.NaN;
        String load0 = ProcStat.loadavg();
        long rolloutStartRev = currentRevision();
        long t1 = System.nanoTime();
        Deployment changed = deployments
                .guaranteedUpdate(NS, NAME, d -> {
                    Deployment.Builder b = d.toBuilder();
                    b.getSpecBuilder()
                            .getTemplateBuilder()
                            .getSpecBuilder()
                            .getContainersBuilder(0)
                            .setImage("nginx:1.28");
                    return DeploymentKind.KIND.strategy().defaults(b.build());
                })
                .join();
        long generation = changed.getMetadata().getGeneration();
        s = awaitState("rollout", t1, deadline, oldRs, st -> rolloutComplete(st, generation));
        if (s == null) {
            return 1;
        }
        double rollout = (System.nanoTime() - t1) / 1e9;
        long rolloutEndRev = currentRevision();
        Map<ComponentProcess, Double> cpu1 = cpu(components);
        double etcdCpu1 = etcdPid > 0 ? ProcStat.cpuSeconds(etcdPid) : Double.NaN;
        String load1 = ProcStat.loadavg();
        awaitWatch(tally, rolloutEndRev);
        if (tally.error() != null) {
            System.out.println("WARNING: the write-counting watch failed; counts are incomplete: " + tally.error());
        }

        Map<WriteKind, Integer> up = tally.count(createRev - 1, availableRev);
        Map<WriteKind, Integer> roll = tally.count(rolloutStartRev, rolloutEndRev);
        System.out.printf(
                "%nwrites seen by an etcd watch (revisions %d..%d scale-up, %d..%d rollout):%n",
                createRev, availableRev, rolloutStartRev + 1, rolloutEndRev);
        System.out.printf("%-52s %10s %10s%n", "", "scale-up", "rollout");
        int upTotal = 0;
        int rollTotal = 0;
        for (WriteKind k : WriteKind.values()) {
            System.out.printf("%-52s %10d %10d%n", k.label, up.get(k), roll.get(k));
            upTotal += up.get(k);
            rollTotal += roll.get(k);
        }
        System.out.printf("%-52s %10d %10d%n", "all writes", upTotal, rollTotal);
        System.out.println("pod creates and deletes in the rollout, by owning ReplicaSet:");
        tally.churn(rolloutStartRev, rolloutEndRev).forEach((k, v) -> System.out.printf("  %-50s %10d%n", k, v));
        PodTimeline tl = tally.timeline();
        System.out.println("pod stage latencies in the rollout (watch receipt times):");
        System.out.printf(
                "  %-44s %s%n",
                "create -> bind (scheduler)",
                tl.latency(PodTimeline.Stage.CREATED, PodTimeline.Stage.BOUND, rolloutStartRev, rolloutEndRev));
        System.out.printf(
                "  %-44s %s%n",
                "bind -> Ready (kubelet-sim)",
                tl.latency(PodTimeline.Stage.BOUND, PodTimeline.Stage.READY, rolloutStartRev, rolloutEndRev));
        System.out.printf(
                "  %-44s %s%n",
                "create -> Ready",
                tl.latency(PodTimeline.Stage.CREATED, PodTimeline.Stage.READY, rolloutStartRev, rolloutEndRev));
        System.out.printf(
                "  %-44s %s%n",
                "delete mark -> object removed (kubelet-sim)",
                tl.latency(PodTimeline.Stage.DELETE_MARKED, PodTimeline.Stage.DELETED, rolloutStartRev, rolloutEndRev));
        System.out.printf("%nCPU seconds during the rollout (%.1f s wall; load %s -> %s):%n", rollout, load0, load1);
        for (ComponentProcess c : components) {
            double used = cpu1.get(c) - cpu0.get(c);
            System.out.printf("  %-20s %7.1f s (%.2f cores)%n", c.name(), used, used / rollout);
        }
        if (etcdPid > 0) {
            System.out.printf(
                    "  %-20s %7.1f s (%.2f cores)%n", "etcd", etcdCpu1 - etcdCpu0, (etcdCpu1 - etcdCpu0) / rollout);
        }

        int creates = roll.get(WriteKind.POD_CREATE);
        int deletes = roll.get(WriteKind.POD_DELETE);
        byte[] sample = tally.lastPodCreate();
        if (creates == 0 || sample == null) {
            System.out.println("FAILED: the watch saw no pod create in the rollout; nothing to compare with");
            return 1;
        }
        System.out.printf(
                "%nraw etcd: %d creates then %d deletes of %d-byte values, %d in flight ...%n",
                creates, creates, sample.length, o.rawInflight());
        RawCreateDelete.Result busy = RawCreateDelete.run(etcd, creates, sample, o.rawInflight());
        System.out.printf(
                "raw etcd, components running idle: creates %.2f s, deletes %.2f s, total %.2f s%n",
                busy.createSeconds(), busy.deleteSeconds(), busy.totalSeconds());
        for (ComponentProcess c : components) {
            c.close();
        }
        components.clear();
        RawCreateDelete.Result alone = RawCreateDelete.run(etcd, creates, sample, o.rawInflight());
        System.out.printf(
                "raw etcd, components stopped:      creates %.2f s, deletes %.2f s, total %.2f s (load %s)%n",
                alone.createSeconds(), alone.deleteSeconds(), alone.totalSeconds(), ProcStat.loadavg());

        System.out.printf("%n%-58s %s%n", "figure", "value");
        row(
                "replicas / nodes / cores",
                "%d / %d / %d",
                o.replicas(),
                o.nodes(),
                Runtime.getRuntime().availableProcessors());
        row("scale-up 0 -> all available", "%.2f s", scaleUp);
        row("rollout: template change -> complete", "%.2f s", rollout);
        row("pods replaced per second", "%.1f", o.replicas() / rollout);
        row("pod creates / deletes in the rollout", "%d / %d", creates, deletes);
        row("raw etcd creates+deletes, same count (cluster idle)", "%.2f s", busy.totalSeconds());
        row("raw etcd creates+deletes, same count (etcd alone)", "%.2f s", alone.totalSeconds());
        row("ratio rollout / raw (etcd alone)", "%.1fx", rollout / alone.totalSeconds());
        row("ratio rollout / raw (cluster idle)", "%.1fx", rollout / busy.totalSeconds());
        row("all writes in the rollout / per second", "%d / %.0f", rollTotal, rollTotal / rollout);
        row("load average at rollout start / end", "%s / %s", load0, load1);
        return 0;
    }

    private static void row(String label, String fmt, Object... args) {
        System.out.printf("%-58s %s%n", label, String.format(fmt, args));
    }

    private Map<ComponentProcess, Double> cpu(List<ComponentProcess> components) {
        Map<ComponentProcess, Double> out = new java.util.HashMap<>();
        for (ComponentProcess c : components) {
            out.put(c, c.cpuSeconds());
        }
        return out;
    }

    private void awaitWatch(WriteTally tally, long revision) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!tally.seen(revision) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!tally.seen(revision)) {
            System.out.println("WARNING: the write-counting watch had not reached revision " + revision);
        }
    }

    // ------------------------------------------------------------------ state polling

    /** What the poller saw: the Deployment, its newest and oldest ReplicaSet, and the pod objects left. */
    private record State(Deployment d, ReplicaSet newRs, ReplicaSet oldRs, long pods) {
        String describe() {
            return String.format(
                    "observedGen %d/%d replicas %d updated %d ready %d available %d; newRS %s; oldRS %s; pod objects %d",
                    d.getStatus().getObservedGeneration(),
                    d.getMetadata().getGeneration(),
                    d.getStatus().getReplicas(),
                    d.getStatus().getUpdatedReplicas(),
                    d.getStatus().getReadyReplicas(),
                    d.getStatus().getAvailableReplicas(),
                    rs(newRs),
                    rs(oldRs),
                    pods);
        }

        private static String rs(ReplicaSet rs) {
            return rs == null
                    ? "-"
                    : String.format(
                            "spec %d status %d ready %d available %d",
                            rs.getSpec().getReplicas(),
                            rs.getStatus().getReplicas(),
                            rs.getStatus().getReadyReplicas(),
                            rs.getStatus().getAvailableReplicas());
        }
    }

    private record Deadline(long nanos) {
        Deadline(Duration d) {
            this(System.nanoTime() + d.toNanos());
        }

        boolean passed() {
            return System.nanoTime() > nanos;
        }
    }

    /** Polls every 100 ms until {@code done}; prints progress every 5 s; null (after printing the state) on timeout. */
    private State awaitState(
            String phase, long t0, Deadline deadline, String oldRsName, java.util.function.Predicate<State> done)
            throws InterruptedException {
        long lastPrint = System.nanoTime();
        State s = null;
        while (!deadline.passed()) {
            s = poll(oldRsName);
            if (s != null && done.test(s)) {
                System.out.printf("  %s t=%6.1f s  %s%n", phase, (System.nanoTime() - t0) / 1e9, s.describe());
                return s;
            }
            if (System.nanoTime() - lastPrint > 5_000_000_000L && s != null) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  %s t=%6.1f s  %s  load %s%n",
                        phase, (lastPrint - t0) / 1e9, s.describe(), ProcStat.loadavg());
            }
            Thread.sleep(100);
        }
        System.out.printf(
                "FAILED: %s not done within %d min; last seen: %s%n",
                phase, o.timeoutMinutes(), s == null ? "nothing" : s.describe());
        return null;
    }

    private State poll(String oldRsName) {
        Deployment d = deployments.get(NS, NAME).join();
        ReplicaSet newRs = null;
        ReplicaSet oldRs = null;
        for (ReplicaSet rs :
                replicaSets.list(ListOptions.inNamespace(NS)).join().items()) {
            // one ReplicaSet before the rollout; during it the old one (by name) and the new one
            if (rs.getMetadata().getName().equals(oldRsName)) {
                oldRs = rs;
            } else {
                newRs = rs;
            }
        }
        long pods = etcd.client()
                .getKVClient()
                .get(
                        Etcd.bytes(etcd.prefix() + "/pods/" + NS + "/"),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .join()
                .getCount();
        return d == null ? null : new State(d, newRs, oldRs, pods);
    }

    private boolean allAvailable(State s) {
        var st = s.d().getStatus();
        int r = o.replicas();
        return st.getObservedGeneration() >= s.d().getMetadata().getGeneration()
                && st.getReplicas() == r
                && st.getUpdatedReplicas() == r
                && st.getAvailableReplicas() == r
                && s.pods() == r;
    }

    private boolean rolloutComplete(State s, long generation) {
        ReplicaSet old = s.oldRs();
        return s.d().getStatus().getObservedGeneration() >= generation
                && allAvailable(s)
                && s.newRs() != null
                && old != null
                && old.getSpec().getReplicas() == 0
                && old.getStatus().getReplicas() == 0;
    }

    private long currentRevision() {
        return etcd.client()
                .getKVClient()
                .get(
                        Etcd.bytes(etcd.prefix() + "/"),
                        GetOption.builder().withCountOnly(true).build())
                .join()
                .getHeader()
                .getRevision();
    }

    // ------------------------------------------------------------------ the Deployment

    private static Deployment deployment(int replicas) {
        Map<String, String> labels = Map.of("app", NAME);
        Deployment d = Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(NS).setName(NAME))
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                        .setStrategy(DeploymentStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.of("25%"))
                                        .setMaxUnavailable(IntOrString.of("25%"))))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                                .setSpec(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("app")
                                                .setImage("nginx:1.27")
                                                .setResources(ResourceRequirements.newBuilder()
                                                        .putRequests("cpu", "100m")
                                                        .putRequests("memory", "128Mi"))))))
                .build();
        // what the API server does before it stores a created Deployment
        var strategy = DeploymentKind.KIND.strategy();
        Deployment out = strategy.prepareForCreate(strategy.defaults(d));
        var errors = DeploymentKind.KIND.validateCreate(out);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("benchmark Deployment is invalid: " + errors);
        }
        return out;
    }
}
