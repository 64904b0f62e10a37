package io.kubelite.kubelet.bench;

import com.sun.management.OperatingSystemMXBean;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.HTTPGetAction;
import io.kubelite.api.IntOrString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Probe;
import io.kubelite.api.TCPSocketAction;
import io.kubelite.kubelet.KubeletSim;
import io.kubelite.kubelet.KubeletSimOptions;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Resources;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * kubelet-sim at scale: one in-process kubelet-sim with N nodes runs P pods (probes on
 * half), created already bound at a fixed rate; a watcher records when each pod is first
 * seen Running. Prints pod start latency p50/p99 (create acknowledged → Running seen),
 * steady-state heap and CPU of this JVM, and, in the same run, the raw etcd figure of the
 * same shape (pod-sized compare-and-put txns), with the core count.
 *
 * <pre>
 * mvn -pl kubelet-sim test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.kubelite.kubelet.bench.KubeletSimBenchmark -Dexec.args="1000 20000 100 60"
 * </pre>
 * Arguments: nodes, pods, pods per second, steady-state seconds. Starts its own etcd
 * ({@code /usr/bin/etcd}, or ETCD_BIN) unless ETCD_ENDPOINTS is set.
 */
public final class KubeletSimBenchmark {
    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int podCount = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int steadySeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Process etcdProcess = null;
        Path dataDir = null;
        String endpoints = System.getenv("ETCD_ENDPOINTS");
        try {
            if (endpoints == null || endpoints.isBlank()) {
                dataDir = Files.createTempDirectory("bench-etcd");
                int client = freePort();
                int peer = freePort();
                String bin = System.getenv().getOrDefault("ETCD_BIN", "/usr/bin/etcd");
                etcdProcess = new ProcessBuilder(bin, "--data-dir", dataDir.toString(),
                        "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                        "--listen-peer-urls", "http://127.0.0.1:" + peer, "--quota-backend-bytes", "8589934592")
                        .redirectErrorStream(true).redirectOutput(dataDir.resolve("etcd.log").toFile()).start();
                endpoints = "127.0.0.1:" + client;
                Process etcdRef = etcdProcess;
                Runtime.getRuntime().addShutdownHook(new Thread(etcdRef::destroyForcibly));
            }
            run(endpoints, nodes, podCount, rate, steadySeconds);
        } finally {
            if (etcdProcess != null) {
                etcdProcess.destroyForcibly();
                etcdProcess.waitFor(10, TimeUnit.SECONDS);
            }
            if (dataDir != null) {
                try (var s = Files.walk(dataDir)) {
                    s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
                }
            }
        }
        System.exit(0);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Pod pod(int i, int nodes) {
        Container.Builder c;
        if (i % 2 == 0) {
            c = Container.newBuilder().setName("web").setImage("nginx")
                    .addPorts(ContainerPort.newBuilder().setName("http").setContainerPort(80))
                    .setReadinessProbe(Probe.newBuilder().setHttpGet(HTTPGetAction.newBuilder().setPath("/").setPort(IntOrString.of("http")))
                            .setPeriodSeconds(10))
                    .setLivenessProbe(Probe.newBuilder().setTcpSocket(TCPSocketAction.newBuilder().setPort(IntOrString.of(80)))
                            .setPeriodSeconds(10));
        } else {
            c = Container.newBuilder().setName("worker").setImage("busybox").addAllCommand(List.of("sh", "-c", "touch /tmp/x; sleep 86400"));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("bench-" + i).setNamespace("default").putLabels("app", "bench"))
                .setSpec(PodSpec.newBuilder().setNodeName("bench-node-" + (i % nodes)).setRestartPolicy("Always").addContainers(c))
                .build();
    }

    static void run(String endpoints, int nodes, int podCount, int rate, int steadySeconds) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        EtcdConfig cfg = new EtcdConfig(List.of(endpoints.split(",")), "/bench/registry", Duration.ofSeconds(10));
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        try (Etcd simEtcd = Etcd.connect(cfg); Etcd clientEtcd = Etcd.connect(cfg)) {
            // ---------------------------------------------------------------- raw etcd, same shape
            byte[] value = io.kubelite.store.ObjectCodec.encode(Resources.PODS, pod(0, nodes));
            double rawRate = rawTxnRate(clientEtcd, value, Math.min(podCount, 5000), 16);
            System.out.printf("raw etcd: %d-byte compare-and-put txns at concurrency 16: %.0f/s%n", value.length, rawRate);

            // ---------------------------------------------------------------- kubelet-sim
            long t0 = System.nanoTime();
            KubeletSimOptions o = new KubeletSimOptions().nodes(nodes).podCidrFallback("10.0.0.0/8").timeScale(1);
            o.nodeNamePrefix("bench-node-");
            KubeletSim sim = new KubeletSim(o);
            sim.start(simEtcd);
            System.out.printf("%d nodes registered and informers synced in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);

            ObjectStore<Pod> pods = new Store(clientEtcd).of(Resources.PODS);
            Map<String, Long> created = new ConcurrentHashMap<>();
            Map<String, Long> running = new ConcurrentHashMap<>();
            Informer<Pod> watcher = new Informer<>(pods, "default");
            watcher.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onUpdate(Pod o, Pod n) {
                    if (n.getStatus().getPhase().equals("Running")) {
                        running.putIfAbsent(n.getMetadata().getName(), System.nanoTime());
                    }
                }
            });
            watcher.start();
            watcher.awaitSynced(Duration.ofSeconds(60));

            Semaphore inFlight = new Semaphore(64);
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / rate;
            for (int i = 0; i < podCount; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                inFlight.acquire();
                String name = "bench-" + i;
                pods.create(pod(i, nodes)).whenComplete((p, e) -> {
                    inFlight.release();
                    if (e == null) {
                        created.put(name, System.nanoTime());
                    } else {
                        System.err.println("create " + name + " failed: " + e.getMessage());
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            long lastReport = System.nanoTime();
            while (running.size() < podCount && System.nanoTime() < deadline) {
                Thread.sleep(200);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.out.printf("  ... %d created, %d Running, %d pods in kubelet-sim%n", created.size(), running.size(), sim.podCount());
                }
            }
            double createSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d/%d pods Running %.1f s after the first create (target %d pods/s)%n",
                    running.size(), podCount, createSeconds, rate);
            long[] lat = created.entrySet().stream().filter(e -> running.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, running.get(e.getKey()) - e.getValue())).sorted().toArray();
            if (lat.length > 0) {
                System.out.printf("pod start latency (create acked -> Running seen by a watcher): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        lat[lat.length / 2] / 1e6, lat[(int) (lat.length * 0.99)] / 1e6, lat[lat.length - 1] / 1e6);
            }

            // ---------------------------------------------------------------- steady state
            System.gc();
            Thread.sleep(2000);
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            long maxHeap = 0;
            for (int s = 0; s < steadySeconds; s++) {
                Thread.sleep(1000);
                maxHeap = Math.max(maxHeap, mem.getHeapMemoryUsage().getUsed());
            }
            double cores_ = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            System.gc();
            Thread.sleep(500);
            long live = mem.getHeapMemoryUsage().getUsed();
            System.out.printf("steady state over %d s (this JVM: kubelet-sim + watcher + client): CPU %.2f cores avg, "
                    + "heap max %d MiB, live after GC %d MiB (-Xmx %d MiB)%n", steadySeconds, cores_, maxHeap >> 20, live >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("ratio: pod creates at %d/s use %.0f%% of raw etcd txn throughput (%.0f/s); cores: %d%n",
                    rate, 100.0 * rate / rawRate, rawRate, cores);
            watcher.close();
            sim.close();
        }
    }

    static double rawTxnRate(Etcd etcd, byte[] value, int count, int concurrency) throws Exception {
        Semaphore sem = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sem.acquire();
            ByteSequence key = ByteSequence.from("/bench/raw/" + i, StandardCharsets.UTF_8);
            CompletableFuture<?> f = etcd.client().getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                    .commit().whenComplete((r, e) -> sem.release());
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        return rate;
    }
}
