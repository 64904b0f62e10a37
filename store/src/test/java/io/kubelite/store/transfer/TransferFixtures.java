package io.kubelite.store.transfer;

import com.google.protobuf.Message;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Event;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shared by the transfer tests here and in dist (which runs them against etcdlite):
 * a small cluster's worth of objects, one leased Event, and a resourceVersion-free view
 * of everything under a prefix to compare source and target.
 */
public final class TransferFixtures {
    public static final long EVENT_TTL = 600;

    private TransferFixtures() {}

    /** Namespaces, pods, nodes through ObjectStore; one Event on a lease of {@link #EVENT_TTL} seconds. */
    public static void seed(Etcd etcd) {
        Store store = new Store(etcd);
        for (String ns : List.of("default", "team-a")) {
            store.of(NamespaceKind.RESOURCE)
                    .create(Namespace.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName(ns))
                            .build())
                    .join();
            for (int i = 0; i < 4; i++) {
                store.of(PodKind.RESOURCE)
                        .create(TestObjects.pod(ns, "web-" + i))
                        .join();
            }
        }
        store.of(NodeKind.RESOURCE).create(TestObjects.node("node-1")).join();
        store.of(NodeKind.RESOURCE).create(TestObjects.node("node-2")).join();
        Event ev = Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName("web-0.1")
                        .setUid("e-1"))
                .setReason("Scheduled")
                .setMessage("assigned to node-1")
                .setCount(1)
                .build();
        putLeased(etcd, EventKind.RESOURCE, ev, EVENT_TTL);
    }

    public static <T extends Message> String putLeased(Etcd etcd, Resource<T> r, T obj, long ttl) {
        ObjectMeta m = r.meta(obj);
        String key = new Keys(etcd.prefix()).key(r, m.getNamespace(), m.getName());
        long lease = etcd.client().getLeaseClient().grant(ttl).join().getID();
        etcd.client()
                .getKVClient()
                .put(
                        bs(key),
                        ByteSequence.from(ObjectCodec.encode(r, obj)),
                        PutOption.builder().withLeaseId(lease).build())
                .join();
        return key;
    }

    /** Every object under the prefix, keyed by relative key, with resourceVersion cleared (it is the server's). */
    public static Map<String, Message> objects(Etcd etcd) {
        Store store = new Store(etcd);
        Map<String, Message> out = new TreeMap<>();
        for (Resource<? extends Message> r : Kinds.stored()) {
            collect(store, r, out);
        }
        return out;
    }

    private static <T extends Message> void collect(Store store, Resource<T> r, Map<String, Message> out) {
        for (T obj : store.of(r).list(ListOptions.all()).join().items()) {
            ObjectMeta m = r.meta(obj);
            String rel = r.plural() + "/" + (r.namespaced() ? m.getNamespace() + "/" : "") + m.getName();
            out.put(rel, r.withMeta(obj, m.toBuilder().clearResourceVersion().build()));
        }
    }

    /** Every raw key and value under the prefix at {@code revision}, keys relative. */
    public static Map<String, String> rawAt(Etcd etcd, long revision) {
        String base = etcd.prefix() + "/";
        GetOption o = GetOption.builder()
                .withRange(bs(Keys.rangeEnd(base)))
                .withRevision(revision)
                .build();
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : etcd.client().getKVClient().get(bs(base), o).join().getKvs()) {
            out.put(
                    kv.getKey().toString(StandardCharsets.UTF_8).substring(base.length()),
                    java.util.Base64.getEncoder().encodeToString(kv.getValue().getBytes()));
        }
        return out;
    }

    /** Remaining TTL of the lease {@code fullKey} is attached to; 0 when it has none. */
    public static long remainingTtl(Etcd etcd, String fullKey) {
        List<KeyValue> kvs = etcd.client().getKVClient().get(bs(fullKey)).join().getKvs();
        if (kvs.isEmpty()) {
            throw new AssertionError("no key " + fullKey);
        }
        long lease = kvs.get(0).getLease();
        return lease == 0
                ? 0
                : etcd.client()
                        .getLeaseClient()
                        .timeToLive(lease, LeaseOption.DEFAULT)
                        .join()
                        .getTTL();
    }

    public static long countUnder(Etcd etcd) {
        String base = etcd.prefix() + "/";
        return etcd.client()
                .getKVClient()
                .get(
                        bs(base),
                        GetOption.builder()
                                .withRange(bs(Keys.rangeEnd(base)))
                                .withCountOnly(true)
                                .build())
                .join()
                .getCount();
    }

    public static byte[] export(Etcd etcd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new StoreExporter(etcd).export(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ExportFile parse(byte[] file) {
        try {
            return ExportReader.read(new ByteArrayInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
