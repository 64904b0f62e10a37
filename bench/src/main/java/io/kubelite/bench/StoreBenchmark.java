package io.kubelite.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Store create/update throughput with 1, 16 and 64 concurrent writers, next to raw
 * jetcd transactions of the same shape (same compares, same value size) on the same
 * etcd in the same run.
 *
 * <p>Usage: {@code StoreBenchmark [--etcd-endpoints host:port,...] [--ops N]}. Without
 * endpoints it starts a throw-away etcd from the local binary (durable, as in production:
 * every write is fsynced). A writer keeps exactly one request in flight; N writers keep
 * N in flight.
 */
public final class StoreBenchmark {
    private static final String NS = "bench";

    private StoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        String endpoints = null;
        int ops = 6000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--etcd-endpoints" -> endpoints = args[++i];
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        EtcdMember local = null;
        if (endpoints == null) {
            Path dir = Files.createTempDirectory("kubelite-bench-etcd");
            local = EtcdMember.startHealthy(
                    EtcdBinary.etcd()
                            .orElseThrow(() -> new IllegalStateException(
                                    "no etcd binary: install etcd-server or pass --etcd-endpoints")),
                    EtcdMember.Spec.single("bench", dir.resolve("data"), dir.resolve("etcd.log")),
                    Duration.ofSeconds(30));
            endpoints = local.endpoint();
        }
        try {
            run(endpoints, ops);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static void run(String endpoints, int ops) {
        String prefix = "/bench-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd =
                Etcd.connect(new EtcdConfig(Arrays.asList(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
            System.out.printf(
                    "store benchmark: %d cores, etcd %s, %d ops per case%n",
                    Runtime.getRuntime().availableProcessors(), endpoints, ops);
            // warm up both paths (JIT, connections)
            runCase("warmup", etcd, pods, 16, 2000, true);
            System.out.printf("%-8s %8s %14s %14s %7s%n", "op", "writers", "raw etcd ops/s", "store ops/s", "ratio");
            for (int writers : new int[] {1, 16, 64}) {
                int n = writers == 1 ? Math.max(500, ops / 4) : ops;
                runCase("c" + writers, etcd, pods, writers, n, false);
            }
        }
    }

    private static void runCase(String tag, Etcd etcd, ObjectStore<Pod> pods, int writers, int n, boolean quiet) {
        KV kv = etcd.client().getKVClient();
        // Objects to create: the same pods for raw and store, in different name spaces of keys.
        List<Pod> objects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            objects.add(pod(tag + "-" + i));
        }
        byte[] sample = ObjectCodec.encode(PodKind.RESOURCE, objects.get(0));

        // raw create: txn(create_revision == 0) put else get
        long[] rawRevs = new long[n];
        double rawCreate = rate(writers, n, i -> {
            ByteSequence key = bs(etcd.prefix() + "/raw/" + tag + "-" + i);
            return kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, ByteSequence.from(sample), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .thenAccept(r -> rawRevs[i] = r.getHeader().getRevision());
        });
        List<Pod> created = new ArrayList<>(java.util.Collections.nCopies(n, null));
        double storeCreate = rate(writers, n, i -> pods.create(objects.get(i)).thenAccept(p -> created.set(i, p)));

        // raw update: txn(mod_revision == rev) put else get
        double rawUpdate = rate(writers, n, i -> {
            ByteSequence key = bs(etcd.prefix() + "/raw/" + tag + "-" + i);
            return kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(rawRevs[i])))
                    .Then(Op.put(key, ByteSequence.from(sample), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .thenAccept(r -> {
                        if (!r.isSucceeded()) {
                            throw new IllegalStateException("raw update lost its compare");
                        }
                    });
        });
        double storeUpdate = rate(writers, n, i -> {
            Pod p = created.get(i);
            return pods.update(p.toBuilder()
                            .setMetadata(p.getMetadata().toBuilder().putLabels("updated", "true"))
                            .build())
                    .thenApply(x -> null);
        });
        if (!quiet) {
            System.out.printf(
                    "%-8s %8d %14.0f %14.0f %7.2f%n",
                    "create", writers, rawCreate, storeCreate, storeCreate / rawCreate);
            System.out.printf(
                    "%-8s %8d %14.0f %14.0f %7.2f%n",
                    "update", writers, rawUpdate, storeUpdate, storeUpdate / rawUpdate);
        }
    }

    /** Runs {@code n} operations with {@code writers} in flight at a time; returns operations per second. */
    private static double rate(int writers, int n, IntFunction<CompletableFuture<?>> op) {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> chains = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            chains.add(chain(next, n, op));
        }
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static CompletableFuture<Void> chain(AtomicInteger next, int n, IntFunction<CompletableFuture<?>> op) {
        int i = next.getAndIncrement();
        if (i >= n) {
            return CompletableFuture.completedFuture(null);
        }
        return op.apply(i).thenCompose(x -> chain(next, n, op));
    }

    private static Pod pod(String name) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(NS)
                        .setName(name)
                        .putLabels("app", "bench")
                        .putLabels("pod-template-hash", "5d8f9c7b6"))
                .setSpec(PodSpec.newBuilder()
                        .setSchedulerName("default-scheduler")
                        .setRestartPolicy("Always")
                        .addContainers(Container.newBuilder()
                                .setName("app")
                                .setImage("nginx:1.27")
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", "100m")
                                        .putRequests("memory", "128Mi"))))
                .build();
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
