package io.kubelite.kubelet.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
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

    /** How many keys under {@code prefix} etcd holds and the sum of their values' sizes. */
    record Stored(long keys, long valueBytes) {
        double mib() {
            return valueBytes / (1024.0 * 1024.0);
        }
    }

    /**
     * The keys under {@code prefix} and the bytes their values take, read in pages of 2,000 at
     * one revision: what the same pods cost in etcd, beside what they cost in kubelet-sim's heap.
     */
    static Stored storedBytes(Etcd etcd, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = p.clone();
        end[end.length - 1]++;
        ByteSequence endKey = ByteSequence.from(end);
        ByteSequence from = ByteSequence.from(p);
        long revision = 0;
        long keys = 0;
        long bytes = 0;
        while (true) {
            GetOption.Builder o = GetOption.builder().withRange(endKey).withLimit(2000);
            if (revision > 0) {
                o.withRevision(revision);
            }
            GetResponse r = etcd.client().getKVClient().get(from, o.build()).join();
            revision = r.getHeader().getRevision();
            for (KeyValue kv : r.getKvs()) {
                keys++;
                bytes += kv.getValue().size();
            }
            if (!r.isMore() || r.getKvs().isEmpty()) {
                return new Stored(keys, bytes);
            }
            byte[] last = r.getKvs().get(r.getKvs().size() - 1).getKey().getBytes();
            byte[] next = java.util.Arrays.copyOf(last, last.length + 1); // the next key after it
            from = ByteSequence.from(next);
        }
    }
}
