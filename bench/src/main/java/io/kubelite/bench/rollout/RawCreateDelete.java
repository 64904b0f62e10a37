package io.kubelite.bench.rollout;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.store.Etcd;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * The raw etcd floor under a rollout: N creates of the store's shape
 * ({@code txn(create_revision == 0) put(k, v) else get(k)}), then N deletes of its shape
 * ({@code txn(mod_revision == r) delete(k, prevKV) else get(k)}), with a fixed number in
 * flight, on keys outside the cluster's prefix so no component sees them.
 */
final class RawCreateDelete {
    /** Seconds taken by the creates and by the deletes. */
    record Result(int count, int valueBytes, int inflight, double createSeconds, double deleteSeconds) {
        double totalSeconds() {
            return createSeconds + deleteSeconds;
        }
    }

    private RawCreateDelete() {}

    static Result run(Etcd etcd, int n, byte[] value, int inflight) throws InterruptedException {
        KV kv = etcd.client().getKVClient();
        String prefix = "/rawbench-" + Long.toHexString(System.nanoTime()) + "/pods/default/raw-";
        long[] revs = new long[n];
        ByteSequence v = ByteSequence.from(value);
        double create = timed(n, inflight, i -> {
            ByteSequence key = Etcd.bytes(prefix + i);
            return kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, v, PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .thenAccept(r -> {
                        if (!r.isSucceeded()) {
                            throw new IllegalStateException("raw create found " + key + " already there");
                        }
                        revs[i] = r.getHeader().getRevision();
                    });
        });
        double delete = timed(n, inflight, i -> {
            ByteSequence key = Etcd.bytes(prefix + i);
            return kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revs[i])))
                    .Then(Op.delete(key, DeleteOption.builder().withPrevKV(true).build()))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .thenAccept(r -> {
                        if (!r.isSucceeded()) {
                            throw new IllegalStateException("raw delete of " + key + " lost its compare");
                        }
                    });
        });
        return new Result(n, value.length, inflight, create, delete);
    }

    private static double timed(int n, int inflight, IntFunction<CompletableFuture<?>> op) throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            slots.acquire();
            all.add(op.apply(i).whenComplete((x, e) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return (System.nanoTime() - t0) / 1e9;
    }
}
