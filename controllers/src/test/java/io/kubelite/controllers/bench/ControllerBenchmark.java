package io.kubelite.controllers.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.controllers.ControllerManagerMain;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.runtime.ComponentMain;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Controller-manager benchmark (item 8 of issue 5); a program, not a test.
 *
 * <p>Usage: {@code ControllerBenchmark --etcd-endpoints host:port [--nodes 5000] [--pods 5000] [--window 30]}
 *
 * <ol>
 *   <li><b>Health monitoring.</b> Registers N nodes with Leases, then renews every Lease
 *       every 10 s from this process (Kubernetes' kubelet default: N/10 writes/s) and runs
 *       the controller-manager as a separate process ({@code --controllers nodelifecycle},
 *       {@code --node-monitor-period 5s}). After a warm-up it reads that process's CPU time
 *       ({@link ProcessHandle.Info#totalCpuDuration()}) over a window and prints cores used,
 *       next to this process's CPU (OperatingSystemMXBean) spent producing the renewals.</li>
 *   <li><b>ReplicaSet 0 → P.</b> First P raw etcd creates (txn create_revision == 0, the
 *       same encoded pod, 500 in flight), then a ReplicaSet scaled from 0 to P with the
 *       controller-manager in this process ({@code --controllers replicaset}); prints both
 *       times and their ratio.</li>
 * </ol>
 */
public final class ControllerBenchmark {
    public static void main(String[] args) throws Exception {
        String endpoints = "127.0.0.1:2379";
        int nodes = 5000;
        int podCount = 5000;
        int window = 30;
        boolean skipHealth = false;
        int repeat = 3;
        String burst = "500";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--etcd-endpoints" -> endpoints = args[++i];
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--pods" -> podCount = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--skip-health" -> skipHealth = true;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--replicaset-burst" -> burst = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(
                "ControllerBenchmark: %d cores, etcd %s%n", Runtime.getRuntime().availableProcessors(), endpoints);
        if (!skipHealth) {
            health(endpoints, nodes, window);
        }
        // the machine may be shared: repeat the pair and report each run and the median ratio
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            ratios.add(replicaSet(endpoints, podCount, burst));
        }
        ratios.sort(Double::compare);
        System.out.printf(
                "replicaset: median ratio over %d runs: %.2fx raw etcd (target <= 2x)%n",
                repeat, ratios.get(ratios.size() / 2));
        System.exit(0);
    }

    private static void health(String endpoints, int n, int windowSeconds) throws Exception {
        String prefix = "/bench-health-" + System.nanoTime() + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            Store store = new Store(etcd);
            ObjectStore<Lease> leases = store.of(LeaseKind.RESOURCE);
            Map<String, Lease> current = new ConcurrentHashMap<>();
            Semaphore inflight = new Semaphore(256);
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "node-" + i;
                inflight.acquire();
                fs.add(store.of(NodeKind.RESOURCE)
                        .create(io.kubelite.controllers.ControllerTestObjects.readyNode(name))
                        .thenCompose(x -> leases.create(Lease.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace("kube-node-lease")
                                        .setName(name))
                                .setSpec(LeaseSpec.newBuilder()
                                        .setHolderIdentity(name)
                                        .setLeaseDurationSeconds(40)
                                        .setRenewTime(Times.now()))
                                .build()))
                        .whenComplete((l, e) -> {
                            inflight.release();
                            if (l != null) {
                                current.put(name, l);
                            }
                        }));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
            System.out.printf("health: %d nodes and leases registered%n", n);

            Process cm = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            ControllerManagerMain.class.getName(),
                            "--etcd-endpoints",
                            endpoints,
                            "--etcd-prefix",
                            prefix,
                            "--leader-elect=false",
                            "--controllers",
                            "nodelifecycle",
                            "--node-monitor-period",
                            "5s",
                            "--health-port",
                            "0",
                            "--log-level",
                            "warn")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            var osBean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try {
                long renewPeriodNanos = Duration.ofSeconds(10).toNanos();
                long start = System.nanoTime();
                long warmupEnd = start + Duration.ofSeconds(20).toNanos();
                long windowEnd = warmupEnd + Duration.ofSeconds(windowSeconds).toNanos();
                long cpuStart = -1;
                long selfStart = -1;
                long renewals = 0;
                int next = 0;
                List<String> names = new ArrayList<>(current.keySet());
                while (System.nanoTime() < windowEnd) {
                    long now = System.nanoTime();
                    if (cpuStart < 0 && now >= warmupEnd) {
                        cpuStart = cm.info().totalCpuDuration().orElseThrow().toNanos();
                        selfStart = osBean.getProcessCpuTime();
                        renewals = 0;
                    }
                    // spread renewals evenly: each lease once per 10 s
                    long due = (now - start) * n / renewPeriodNanos;
                    while (next < due) {
                        String name = names.get(next % n);
                        Lease l = current.get(name);
                        inflight.acquire();
                        leases.update(l.toBuilder()
                                        .setSpec(l.getSpec().toBuilder().setRenewTime(Times.now()))
                                        .build())
                                .whenComplete((nl, e) -> {
                                    inflight.release();
                                    if (nl != null) {
                                        current.put(name, nl);
                                    }
                                });
                        next++;
                        renewals++;
                    }
                    Thread.sleep(5);
                }
                long cpu = cm.info().totalCpuDuration().orElseThrow().toNanos() - cpuStart;
                long self = osBean.getProcessCpuTime() - selfStart;
                double wall = windowSeconds * 1e9;
                System.out.printf(
                        "health: controller-manager CPU %.3f cores over %d s (%d nodes, period 5s, "
                                + "%d lease renewals = %.0f/s); lease-renewing client used %.3f cores; target <= 0.25 cores%n",
                        cpu / wall, windowSeconds, n, renewals, renewals / (wall / 1e9), self / wall);
            } finally {
                cm.destroyForcibly().waitFor();
            }
            etcd.client()
                    .getKVClient()
                    .delete(
                            Etcd.bytes(prefix + "/"),
                            io.etcd.jetcd.options.DeleteOption.builder()
                                    .isPrefix(true)
                                    .build())
                    .join();
        }
    }

    private static double replicaSet(String endpoints, int p, String burst) throws Exception {
        String prefix = "/bench-rs-" + System.nanoTime() + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            // raw: p creates of the same encoded pod the controller writes, 500 in flight
            var rs = io.kubelite.controllers.ControllerTestObjects.replicaSet("bench", 0);
            Pod sample = io.kubelite.controllers.ControllerTestObjects.podFromTemplate(rs).toBuilder()
                    .setMetadata(
                            io.kubelite.controllers.ControllerTestObjects.podFromTemplate(rs).getMetadata().toBuilder()
                                    .setName("bench-raw00")
                                    .setUid("00000000-0000-0000-0000-000000000000")
                                    .setCreationTimestamp(Times.nowSeconds()))
                    .build();
            byte[] value = ObjectCodec.encode(PodKind.RESOURCE, sample);
            Semaphore inflight = new Semaphore(500);
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> fs = new ArrayList<>(p);
            for (int i = 0; i < p; i++) {
                ByteSequence key = Etcd.bytes(prefix + "/pods/raw/bench-" + i);
                inflight.acquire();
                fs.add(etcd.client()
                        .getKVClient()
                        .txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                        .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                        .Else(Op.get(key, GetOption.DEFAULT))
                        .commit()
                        .whenComplete((r, e) -> inflight.release()));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
            double raw = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "replicaset: raw etcd %d creates (%d-byte values, 500 in flight): %.2f s%n", p, value.length, raw);

            ControllerManagerMain main = ControllerManagerMain.parse(
                    "--etcd-endpoints",
                    endpoints,
                    "--etcd-prefix",
                    prefix,
                    "--leader-elect=false",
                    "--controllers",
                    "replicaset",
                    "--health-port",
                    "0",
                    "--log-level",
                    "warn",
                    "--replicaset-burst",
                    burst);
            ComponentMain cm = main.componentMain();
            cm.start();
            double ratio;
            try {
                while (!main.component().running()) {
                    Thread.sleep(10);
                }
                Store store = new Store(etcd);
                store.of(ReplicaSetKind.RESOURCE).create(rs).join();
                ByteSequence podsPrefix = Etcd.bytes(prefix + "/pods/default/");
                GetOption countOnly =
                        GetOption.builder().isPrefix(true).withCountOnly(true).build();
                long t1 = System.nanoTime();
                store.of(ReplicaSetKind.RESOURCE)
                        .guaranteedUpdate(
                                "default",
                                "bench",
                                r -> r.toBuilder()
                                        .setSpec(r.getSpec().toBuilder().setReplicas(p))
                                        .build())
                        .join();
                long lastReport = System.nanoTime();
                while (etcd.client()
                                .getKVClient()
                                .get(podsPrefix, countOnly)
                                .join()
                                .getCount()
                        < p) {
                    Thread.sleep(10);
                    if (System.nanoTime() - lastReport > 30_000_000_000L) {
                        lastReport = System.nanoTime();
                        System.out.println("replicaset: still waiting: "
                                + main.component()
                                        .controller(io.kubelite.controllers.replicaset.ReplicaSetController.class)
                                        .map(c -> c.describe("default/bench"))
                                        .orElse("no controller"));
                    }
                }
                double ctl = (System.nanoTime() - t1) / 1e9;
                System.out.printf(
                        "replicaset: ReplicaSet 0 -> %d (--replicaset-burst %s), all pods created: %.2f s = %.2fx raw etcd (target <= 2x)%n",
                        p, burst, ctl, ctl / raw);
                ratio = ctl / raw;
            } finally {
                cm.shutdown();
            }
            etcd.client()
                    .getKVClient()
                    .delete(
                            Etcd.bytes(prefix + "/"),
                            io.etcd.jetcd.options.DeleteOption.builder()
                                    .isPrefix(true)
                                    .build())
                    .join();
            return ratio;
        }
    }
}
