package io.kubelite.e2e;

import com.google.protobuf.Message;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.kubelite.api.Pod;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The etcd history of one resource, read with a watch from a start revision: every put
 * and delete, in revision order, up to "now". "Now" is marked by a sentinel key put
 * just past the resource's prefix ({@code <prefix>/<plural>0}, '0' following '/') and
 * inside the watched range, so no component ever sees it and the read ends exactly
 * when etcd has delivered everything before it.
 */
final class EtcdHistory {
    /** One change of an object: its revision, key, the decoded object (null for a delete). */
    record Event<T extends Message>(long revision, String key, T object) {}

    /** One change of a pod: its revision, key, the decoded object (null for a delete). */
    record PodEvent(long revision, String key, Pod pod) {}

    /** A pod (by uid) and every node it was bound to, with the revision of each bind. */
    record Binding(String uid, String name, List<String> nodes, List<Long> revisions) {}

    private EtcdHistory() {}

    static List<PodEvent> pods(Etcd etcd, long fromRevision) throws Exception {
        return of(etcd, PodKind.RESOURCE, fromRevision).stream()
                .map(e -> new PodEvent(e.revision(), e.key(), e.object()))
                .toList();
    }

    /** Every change of {@code r}'s objects from {@code fromRevision} to now, in revision order. */
    static <T extends Message> List<Event<T>> of(Etcd etcd, Resource<T> r, long fromRevision) throws Exception {
        Client c = etcd.client();
        String from = new Keys(etcd.prefix()).resourcePrefix(r);
        String sentinel = from.substring(0, from.length() - 1) + "0";
        String to = sentinel + "\0"; // the sentinel key and nothing past it
        List<Event<T>> out = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        WatchOption opt = WatchOption.builder()
                .withRevision(fromRevision)
                .withRange(ByteSequence.from(to, StandardCharsets.UTF_8))
                .build();
        try (Watch.Watcher w = c.getWatchClient()
                .watch(
                        ByteSequence.from(from, StandardCharsets.UTF_8),
                        opt,
                        Watch.listener(
                                resp -> {
                                    for (WatchEvent e : resp.getEvents()) {
                                        String key = e.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                                        long rev = e.getKeyValue().getModRevision();
                                        if (key.equals(sentinel)) {
                                            done.countDown();
                                            return;
                                        }
                                        T o = e.getEventType() == WatchEvent.EventType.DELETE
                                                ? null
                                                : ObjectCodec.decode(
                                                        r,
                                                        key,
                                                        e.getKeyValue()
                                                                .getValue()
                                                                .getBytes(),
                                                        rev);
                                        synchronized (out) {
                                            out.add(new Event<>(rev, key, o));
                                        }
                                    }
                                },
                                t -> {
                                    error[0] = t;
                                    done.countDown();
                                }))) {
            c.getKVClient()
                    .put(
                            ByteSequence.from(sentinel, StandardCharsets.UTF_8),
                            ByteSequence.from(Long.toString(System.nanoTime()), StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "etcd history of " + from + " from revision " + fromRevision + " not read within 60 s");
            }
        }
        if (error[0] != null) {
            throw new AssertionError("watching the etcd history from revision " + fromRevision + " failed", error[0]);
        }
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    /**
     * Merges histories of several resources into one, in revision order (stable: within a
     * revision, the order of {@code histories}).
     */
    @SafeVarargs
    static List<Event<? extends Message>> merged(List<? extends Event<? extends Message>>... histories) {
        List<Event<? extends Message>> all = new ArrayList<>();
        for (List<? extends Event<? extends Message>> h : histories) {
            all.addAll(h);
        }
        all.sort(java.util.Comparator.comparingLong(Event::revision));
        return all;
    }

    /**
     * Every pod (by uid) that got a node in the history, with each node it got. A pod is
     * bound once when its {@code spec.nodeName} goes from empty to a node once and never
     * changes afterwards.
     */
    static Map<String, Binding> bindings(List<PodEvent> events) {
        Map<String, Binding> byUid = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (PodEvent e : events) {
            if (e.pod() == null) {
                continue;
            }
            String uid = e.pod().getMetadata().getUid();
            String node = e.pod().getSpec().getNodeName();
            String before = current.getOrDefault(uid, "");
            if (!node.equals(before)) {
                if (!node.isEmpty()) {
                    Binding b = byUid.computeIfAbsent(
                            uid,
                            u -> new Binding(u, e.pod().getMetadata().getName(), new ArrayList<>(), new ArrayList<>()));
                    b.nodes().add(node);
                    b.revisions().add(e.revision());
                } else {
                    // a bound pod lost its node: record it as a second (empty) binding so the check fails
                    Binding b = byUid.get(uid);
                    if (b != null) {
                        b.nodes().add("<unset>");
                        b.revisions().add(e.revision());
                    }
                }
                current.put(uid, node);
            }
        }
        return byUid;
    }

    /** The bindings that violate "bound at most once", as readable lines. */
    static List<String> boundMoreThanOnce(Map<String, Binding> bindings) {
        List<String> bad = new ArrayList<>();
        for (Binding b : bindings.values()) {
            if (b.nodes().size() > 1) {
                bad.add(b.name() + " (uid " + b.uid() + "): " + b.nodes() + " at revisions " + b.revisions());
            }
        }
        return bad;
    }
}
