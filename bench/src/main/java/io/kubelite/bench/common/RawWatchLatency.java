package io.kubelite.bench.common;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.kubelite.store.Etcd;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The raw etcd floor under a benchmark's watch-delivered figures: put sent → event delivered to
 * a plain jetcd prefix watch, at a fixed rate, on keys outside the cluster's prefix, deleted
 * afterwards (the etcd may be a cluster the benchmark only attached to).
 */
public final class RawWatchLatency {
    private RawWatchLatency() {}

    public static Percentiles measure(Etcd etcd, int count, int ratePerSecond, int valueBytes) throws Exception {
        String prefix = "/netbench-raw-" + Long.toHexString(System.nanoTime()) + "/";
        ByteSequence value = ByteSequence.from(new byte[valueBytes]);
        Map<String, Long> seen = new ConcurrentHashMap<>();
        KV kv = etcd.client().getKVClient();
        try (Watch.Watcher w = etcd.client()
                .getWatchClient()
                .watch(Etcd.bytes(prefix), WatchOption.builder().isPrefix(true).build(), r -> {
                    long now = System.nanoTime();
                    r.getEvents()
                            .forEach(e ->
                                    seen.putIfAbsent(e.getKeyValue().getKey().toString(StandardCharsets.UTF_8), now));
                })) {
            // the watch is established once it delivers a put made after it: a sentinel, not a sleep
            String sentinel = prefix + "ready";
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!seen.containsKey(sentinel)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the raw watch did not start within 10 s");
                }
                kv.put(Etcd.bytes(sentinel), value).get(5, TimeUnit.SECONDS);
                Thread.sleep(20);
            }
            long[] sent = new long[count];
            long interval = 1_000_000_000L / ratePerSecond;
            long start = System.nanoTime();
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                sent[i] = System.nanoTime();
                all.add(kv.put(Etcd.bytes(prefix + i), value));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() <= count && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            long[] lat = new long[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                Long t = seen.get(prefix + i);
                if (t != null) {
                    lat[n++] = t - sent[i];
                }
            }
            return Percentiles.of(java.util.Arrays.copyOf(lat, n));
        } finally {
            kv.delete(
                            Etcd.bytes(prefix),
                            io.etcd.jetcd.options.DeleteOption.builder()
                                    .isPrefix(true)
                                    .build())
                    .get(60, TimeUnit.SECONDS);
        }
    }
}
