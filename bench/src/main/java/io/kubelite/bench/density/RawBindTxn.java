package io.kubelite.bench.density;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw etcd rate under the scheduler: txns of the bind's shape — compare the leader's fence
 * key's create_revision and the pod's mod_revision, put the pod's new value, else get it — with as
 * many in flight as the scheduler allows (512), on keys outside the cluster's prefix, with a value
 * of a real pod's size. The keys are deleted afterwards.
 */
final class RawBindTxn {
    private RawBindTxn() {}

    /** Bind-shaped txns per second over {@code ops} txns. */
    static double rate(Etcd etcd, int ops, int inFlight, int valueBytes) throws Exception {
        KV kv = etcd.client().getKVClient();
        String prefix = "/density-raw-" + Long.toHexString(System.nanoTime()) + "/";
        ByteSequence value = ByteSequence.from(new byte[valueBytes]);
        ByteSequence fence = Etcd.bytes(prefix + "leader");
        long token = kv.put(fence, value).get(30, TimeUnit.SECONDS).getHeader().getRevision();
        long[] revs = new long[ops];
        Semaphore seed = new Semaphore(256);
        List<CompletableFuture<?>> seeded = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            seed.acquire();
            int index = i;
            seeded.add(kv.put(Etcd.bytes(prefix + "pods/" + i), value)
                    .thenAccept(r -> revs[index] = r.getHeader().getRevision())
                    .whenComplete((r, e) -> seed.release()));
        }
        CompletableFuture.allOf(seeded.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>(ops);
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            slots.acquire();
            ByteSequence key = Etcd.bytes(prefix + "pods/" + i);
            all.add(kv.txn()
                    .If(
                            new Cmp(fence, Cmp.Op.EQUAL, CmpTarget.createRevision(token)),
                            new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revs[i])))
                    .Then(Op.put(key, value, PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit()
                    .whenComplete((r, e) -> {
                        slots.release();
                        if (e != null || !r.isSucceeded()) {
                            failed.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        kv.delete(Etcd.bytes(prefix), DeleteOption.builder().isPrefix(true).build())
                .get(60, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " raw bind-shaped txns failed their compares");
        }
        return ops / seconds;
    }
}
