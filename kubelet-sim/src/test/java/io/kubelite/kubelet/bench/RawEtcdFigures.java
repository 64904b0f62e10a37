package io.kubelite.kubelet.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The raw etcd figures a kubelet-sim run is compared with, measured with plain jetcd on
 * the benchmark's own connection: the throughput of pod-sized compare-and-put txns, and
 * the latency from a put being sent to its event reaching a watcher at a fixed rate
 * (the floor under "create acknowledged → Running seen", which needs at least one more
 * watch delivery and one more write).
 */
final class RawEtcdFigures {
    private RawEtcdFigures() {}

    /** Compare-and-put txns of {@code value} per second with {@code concurrency} in flight. */
    static double txnRate(Etcd etcd, byte[] value, int count, int concurrency) throws Exception {
        Semaphore sem = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sem.acquire();
            ByteSequence key = ByteSequence.from("/bench/raw-txn/" + i, StandardCharsets.UTF_8);
            all.add(etcd.client()
                    .getKVClient()
                    .txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                    .commit()
                    .whenComplete((r, e) -> sem.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /** Put sent → event seen by a prefix watcher, {@code count} puts of {@code value} at {@code rate}/s. */
    static Percentiles putToWatchLatency(Etcd etcd, byte[] value, int count, int rate) throws Exception {
        String prefix = "/bench/raw-watch/";
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> seen = new ConcurrentHashMap<>();
        try (Watch.Watcher w = etcd.client()
                .getWatchClient()
                .watch(
                        ByteSequence.from(prefix, StandardCharsets.UTF_8),
                        WatchOption.builder().isPrefix(true).build(),
                        r -> {
                            long now = System.nanoTime();
                            r.getEvents()
                                    .forEach(e -> seen.putIfAbsent(
                                            e.getKeyValue().getKey().toString(StandardCharsets.UTF_8), now));
                        })) {
            // the watch is established once it sees a put made after it: a sentinel, not a sleep
            String ready = prefix + "ready";
            Poll.until(Duration.ofSeconds(10), "the raw watch is established", () -> {
                etcd.client()
                        .getKVClient()
                        .put(ByteSequence.from(ready, StandardCharsets.UTF_8), ByteSequence.from(value))
                        .join();
                return seen.containsKey(ready);
            });
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String key = prefix + i;
                sent.put(key, System.nanoTime());
                all.add(etcd.client()
                        .getKVClient()
                        .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            Poll.until(Duration.ofSeconds(30), "the raw watch saw every put", () -> seen.size() > count);
        }
        return Percentiles.of(sent.entrySet().stream()
                .filter(e -> seen.containsKey(e.getKey()))
                .mapToLong(e -> seen.get(e.getKey()) - e.getValue())
                .toArray());
    }
}
