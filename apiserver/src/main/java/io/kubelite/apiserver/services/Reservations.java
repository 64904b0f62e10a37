package io.kubelite.apiserver.services;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.store.Etcd;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Service address allocator's state in etcd: one key per allocated ClusterIP
 * ({@code <prefix>/_kubelite/services/clusterips/<ip>}) and per allocated node port
 * ({@code <prefix>/_kubelite/services/nodeports/<port>}), whose value names the owning Service
 * as {@code namespace/name/uid}. A key is taken with a {@code create_revision == 0} compare, so
 * two API server replicas can never both hold one address, whatever their timing; a key is
 * freed with a compare on its value, so a late release cannot free an address someone else has
 * taken since.
 */
public final class Reservations {
    /** One reservation as read: the owner and the key's mod_revision (for compare-and-delete). */
    public record Held(String owner, long modRevision) {}

    private final Etcd etcd;
    private final String ipPrefix;
    private final String portPrefix;

    public Reservations(Etcd etcd) {
        this.etcd = etcd;
        String root = etcd.prefix() + "/_kubelite/services/";
        this.ipPrefix = root + "clusterips/";
        this.portPrefix = root + "nodeports/";
    }

    public String ipKey(String ip) {
        return ipPrefix + ip;
    }

    public String portKey(int port) {
        return portPrefix + port;
    }

    /**
     * Takes {@code key} for {@code owner}. Completes true when {@code owner} holds it now (taken
     * by this call or already its own), false when another owner holds it.
     */
    public CompletableFuture<Boolean> take(String key, String owner) {
        ByteSequence k = bs(key);
        return etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                                .Then(Op.put(k, bs(owner), PutOption.DEFAULT))
                                .Else(Op.get(k, GetOption.DEFAULT))
                                .commit())
                .thenApply(r -> {
                    if (r.isSucceeded()) {
                        return true;
                    }
                    var kvs = r.getGetResponses().get(0).getKvs();
                    return !kvs.isEmpty() && owner.equals(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
                });
    }

    /** Frees {@code key} if {@code owner} still holds it; completes true when it was freed. */
    public CompletableFuture<Boolean> release(String key, String owner) {
        ByteSequence k = bs(key);
        return etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bs(owner))))
                                .Then(Op.delete(k, DeleteOption.DEFAULT))
                                .commit())
                .thenApply(r -> r.isSucceeded());
    }

    /** Frees {@code key} if it has not been written since {@code modRevision} (the repair loop's delete). */
    public CompletableFuture<Boolean> releaseUnchanged(String key, long modRevision) {
        ByteSequence k = bs(key);
        return etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                                .Then(Op.delete(k, DeleteOption.DEFAULT))
                                .commit())
                .thenApply(r -> r.isSucceeded());
    }

    /** Every ClusterIP reservation: ip → holder, read at {@code revision} (0: now). */
    public CompletableFuture<Map<String, Held>> ips(long revision) {
        return list(ipPrefix, revision);
    }

    /** Every node port reservation: port (as text) → holder, read at {@code revision} (0: now). */
    public CompletableFuture<Map<String, Held>> ports(long revision) {
        return list(portPrefix, revision);
    }

    private CompletableFuture<Map<String, Held>> list(String prefix, long revision) {
        GetOption.Builder o = GetOption.builder().isPrefix(true);
        if (revision > 0) {
            o.withRevision(revision);
        }
        GetOption opt = o.build();
        return etcd.call(prefix, () -> etcd.client().getKVClient().get(bs(prefix), opt))
                .thenApply(resp -> {
                    Map<String, Held> out = new LinkedHashMap<>();
                    for (KeyValue kv : resp.getKvs()) {
                        String k = kv.getKey().toString(StandardCharsets.UTF_8);
                        out.put(
                                k.substring(prefix.length()),
                                new Held(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision()));
                    }
                    return out;
                });
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
