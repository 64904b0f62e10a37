package io.kubelite.bench.rollout;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every write under the cluster's etcd prefix, classified ({@link WriteKind}) and kept by
 * revision, from one plain jetcd watch with previous values (so a pod update can be told
 * apart: a bind sets {@code spec.nodeName}, a delete mark sets {@code deletionTimestamp},
 * anything else is a status write). {@link #count} then tallies any revision window.
 * Also keeps the value of the latest pod create, whose size the raw etcd figure copies.
 */
final class WriteTally implements AutoCloseable {
    private final String prefix;
    private final Watch.Watcher watcher;
    private long[] revisions = new long[1 << 16];
    private byte[] kinds = new byte[1 << 16];
    private int size;
    private final java.util.List<Churn> churn = new java.util.ArrayList<>();
    private long lastRevision;
    private volatile byte[] lastPodCreate;
    private final PodTimeline timeline = new PodTimeline();
    private volatile Throwable error;

    WriteTally(Etcd etcd, long fromRevision) {
        this.prefix = etcd.prefix() + "/";
        ByteSequence key = Etcd.bytes(prefix);
        WatchOption opt = WatchOption.builder()
                .isPrefix(true)
                .withPrevKV(true)
                .withRevision(fromRevision)
                .build();
        this.watcher = etcd.client()
                .getWatchClient()
                .watch(key, opt, Watch.listener(r -> r.getEvents().forEach(this::recordSafely), e -> error = e));
    }

    /** An undecodable value must not end the watch (jetcd closes it when the listener throws). */
    private void recordSafely(WatchEvent ev) {
        try {
            record(ev);
        } catch (RuntimeException e) {
            error = e;
        }
    }

    private void record(WatchEvent ev) {
        KeyValue kv = ev.getKeyValue();
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        String rest = key.substring(prefix.length());
        String resource = rest.substring(0, Math.max(0, rest.indexOf('/')));
        WriteKind kind;
        switch (resource) {
            case "pods" -> kind = podWrite(ev, key);
            case "replicasets" -> kind = WriteKind.REPLICASET;
            case "deployments" -> kind = WriteKind.DEPLOYMENT;
            case "events" -> kind = WriteKind.EVENT;
            case "leases" -> kind = WriteKind.LEASE;
            case "nodes" -> kind = WriteKind.NODE;
            default -> kind = WriteKind.OTHER;
        }
        // a delete event carries a tombstone whose mod revision is the delete's own
        long rev = kv.getModRevision();
        append(rev, kind);
    }

    private WriteKind podWrite(WatchEvent ev, String key) {
        KeyValue kv = ev.getKeyValue();
        if (ev.getEventType() == WatchEvent.EventType.DELETE) {
            KeyValue prevKv = ev.getPrevKV();
            if (prevKv != null && !prevKv.getValue().isEmpty()) {
                Pod last = ObjectCodec.decode(
                        PodKind.RESOURCE, key, prevKv.getValue().getBytes(), prevKv.getModRevision());
                churn(
                        kv.getModRevision(),
                        last,
                        last.getSpec().getNodeName().isEmpty() ? "deleted unbound" : "deleted");
            }
            timeline.seen(key, PodTimeline.Stage.DELETED, kv.getModRevision());
            return WriteKind.POD_DELETE;
        }
        if (kv.getVersion() == 1) {
            timeline.seen(key, PodTimeline.Stage.CREATED, kv.getModRevision());
            lastPodCreate = kv.getValue().getBytes();
            churn(
                    kv.getModRevision(),
                    ObjectCodec.decode(PodKind.RESOURCE, key, kv.getValue().getBytes(), 1),
                    "created");
            return WriteKind.POD_CREATE;
        }
        KeyValue prevKv = ev.getPrevKV();
        if (prevKv == null || prevKv.getValue().isEmpty()) {
            return WriteKind.POD_UPDATE;
        }
        Pod now = ObjectCodec.decode(PodKind.RESOURCE, key, kv.getValue().getBytes(), kv.getModRevision());
        Pod prev = ObjectCodec.decode(PodKind.RESOURCE, key, prevKv.getValue().getBytes(), prevKv.getModRevision());
        if (prev.getSpec().getNodeName().isEmpty()
                && !now.getSpec().getNodeName().isEmpty()) {
            timeline.seen(key, PodTimeline.Stage.BOUND, kv.getModRevision());
            return WriteKind.POD_BIND;
        }
        if (!prev.getMetadata().hasDeletionTimestamp() && now.getMetadata().hasDeletionTimestamp()) {
            timeline.seen(key, PodTimeline.Stage.DELETE_MARKED, kv.getModRevision());
            return WriteKind.POD_DELETE_MARK;
        }
        if (PodTimeline.ready(now) && !PodTimeline.ready(prev)) {
            timeline.seen(key, PodTimeline.Stage.READY, kv.getModRevision());
        }
        return WriteKind.POD_UPDATE;
    }

    /** Pod creates and deletes by owning ReplicaSet, for the churn breakdown. */
    private synchronized void churn(long rev, Pod pod, String what) {
        String owner = pod.getMetadata().getOwnerReferencesCount() == 0
                ? "(no owner)"
                : pod.getMetadata().getOwnerReferences(0).getName();
        churn.add(new Churn(rev, owner, what));
    }

    private record Churn(long revision, String owner, String what) {}

    /** Pod creates and deletes with a revision in {@code (after, upTo]}, as "owner what" → count. */
    synchronized Map<String, Integer> churn(long after, long upTo) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (Churn c : churn) {
            if (c.revision() > after && c.revision() <= upTo) {
                out.merge(c.owner() + " " + c.what(), 1, Integer::sum);
            }
        }
        return out;
    }

    private synchronized void append(long rev, WriteKind kind) {
        if (size == revisions.length) {
            revisions = Arrays.copyOf(revisions, size * 2);
            kinds = Arrays.copyOf(kinds, size * 2);
        }
        revisions[size] = rev;
        kinds[size] = (byte) kind.ordinal();
        size++;
        lastRevision = Math.max(lastRevision, rev);
    }

    /** True once the watch has delivered a write at or after {@code revision}. */
    synchronized boolean seen(long revision) {
        return lastRevision >= revision;
    }

    /** Writes with a revision in {@code (after, upTo]}, by kind. */
    synchronized Map<WriteKind, Integer> count(long after, long upTo) {
        Map<WriteKind, Integer> out = new EnumMap<>(WriteKind.class);
        for (WriteKind k : WriteKind.values()) {
            out.put(k, 0);
        }
        WriteKind[] all = WriteKind.values();
        for (int i = 0; i < size; i++) {
            if (revisions[i] > after && revisions[i] <= upTo) {
                out.merge(all[kinds[i]], 1, Integer::sum);
            }
        }
        return out;
    }

    PodTimeline timeline() {
        return timeline;
    }

    byte[] lastPodCreate() {
        return lastPodCreate;
    }

    /** The watch's failure, if it failed (the counts are then incomplete). */
    Throwable error() {
        return error;
    }

    @Override
    public void close() {
        watcher.close();
    }
}
