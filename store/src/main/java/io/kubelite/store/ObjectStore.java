package io.kubelite.store;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.encryption.FromStorage;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchListener;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed, optimistic-concurrency access to one resource in etcd.
 *
 * <p>Every write is one etcd transaction: create compares {@code create_revision == 0},
 * update compares {@code mod_revision == resourceVersion}, and a fenced store (see
 * {@link #withFence}) adds the leader's fence to the same transaction. A failed
 * transaction's else-branch reads the current value, so a {@link ConflictException}
 * carries it and a retry needs no extra read. Every call is bounded by the etcd
 * request deadline; failures are {@link StoreException}s.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ObjectStore<T extends Message> {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
    /** etcd's default --max-request-bytes is 1.5 MiB; leave room for the key, compares and framing. */
    public static final int MAX_OBJECT_BYTES = 1536 * 1024 - 8 * 1024;

    /**
     * Objects in one {@link #updateAll}: etcd's default --max-txn-ops is 128 for the compares
     * (one per object, plus the fence's) as for the puts.
     */
    public static final int MAX_BATCH = 100;

    static final int PAGE_SIZE = 500;
    private static final int MAX_GENERATE_NAME_ATTEMPTS = 8;
    /** After this many conflicts in a row a retry waits a little, so hot objects don't starve a writer. */
    private static final int BACKOFF_AFTER_ATTEMPTS = 4;

    private final Etcd etcd;
    private final Resource<T> resource;
    private final Keys keys;
    private final Fence fence;

    ObjectStore(Etcd etcd, Resource<T> resource, Fence fence) {
        this.etcd = Objects.requireNonNull(etcd);
        this.resource = Objects.requireNonNull(resource);
        this.keys = new Keys(etcd.prefix());
        this.fence = Objects.requireNonNull(fence);
    }

    public Resource<T> resource() {
        return resource;
    }

    public Keys keys() {
        return keys;
    }

    public Etcd etcd() {
        return etcd;
    }

    /**
     * Removes every object of this resource in one etcd range delete (a custom resource whose
     * CRD is gone), but only while {@code ownerKey} does not exist: the check and the delete are
     * one transaction, so a CRD re-created meanwhile keeps the objects made for it. Watchers see
     * a DELETE per key. Completes with the number removed (0 when {@code ownerKey} exists).
     */
    public CompletableFuture<Long> deleteAllObjectsUnless(String ownerKey) {
        String prefix = keys.resourcePrefix(resource);
        return etcd.call(
                        "deleteCollection",
                        type(),
                        prefix,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(new Cmp(bs(ownerKey), Cmp.Op.EQUAL, CmpTarget.version(0)))
                                .Then(Op.delete(
                                        bs(prefix),
                                        DeleteOption.builder().isPrefix(true).build()))
                                .commit())
                .thenApply(r -> r.isSucceeded() ? r.getDeleteResponses().get(0).getDeleted() : 0L);
    }

    /** A view of this store whose writes all carry {@code f}; reads are unchanged. */
    public ObjectStore<T> withFence(Fence f) {
        return new ObjectStore<>(etcd, resource, f);
    }

    public String key(String namespace, String name) {
        return keys.key(resource, namespace, name);
    }

    // ------------------------------------------------------------------ reads

    /** The object, or {@link NotFoundException}. A linearizable (quorum) read. */
    public CompletableFuture<T> get(String namespace, String name) {
        String key = key(namespace, name);
        return getStored(namespace, name).thenApply(Stored::object);
    }

    /** The object and whether its value was written with a stale encryption key. */
    private CompletableFuture<Stored<T>> getStored(String namespace, String name) {
        String key = key(namespace, name);
        return etcd.call("get", type(), key, () -> etcd.client().getKVClient().get(bs(key)))
                .thenApply(resp -> {
                    if (resp.getKvs().isEmpty()) {
                        throw notFound(key, name);
                    }
                    return read(key, resp.getKvs().get(0));
                });
    }

    /**
     * Lists objects, reading etcd in pages of {@value #PAGE_SIZE} keys pinned to one
     * revision so a huge prefix never becomes one giant response. With a limit, returns
     * at most that many matching items and a continue token. Undecodable values are
     * skipped and reported in the log; the rest is served.
     */
    public CompletableFuture<ObjectList<T>> list(ListOptions<? super T> opts) {
        String prefix = keys.listPrefix(resource, opts.namespace());
        String end = Keys.rangeEnd(prefix);
        long revision = opts.revision();
        String start = prefix;
        if (!opts.continueToken().isEmpty()) {
            ContinueToken t = ContinueToken.decode(opts.continueToken());
            if (!t.nextKey().startsWith(prefix)) {
                return CompletableFuture.failedFuture(
                        new IllegalArgumentException("continue token does not belong to this list (" + prefix + ")"));
            }
            revision = t.revision();
            start = t.nextKey();
        }
        return listPage(prefix, start, end, revision, opts, new ArrayList<>(), new ArrayList<>());
    }

    private CompletableFuture<ObjectList<T>> listPage(
            String prefix,
            String start,
            String end,
            long revision,
            ListOptions<? super T> opts,
            List<T> items,
            List<String> corrupt) {
        int want = opts.limit() == 0 ? PAGE_SIZE : Math.min(PAGE_SIZE, Math.max(1, opts.limit() - items.size()));
        GetOption.Builder o = GetOption.builder().withRange(bs(end)).withLimit(want);
        if (revision > 0) {
            o.withRevision(revision);
        }
        GetOption option = o.build();
        return etcd.call(
                        "list",
                        type(),
                        prefix,
                        () -> etcd.client().getKVClient().get(bs(start), option))
                .thenCompose(resp -> {
                    long rev = revision > 0 ? revision : resp.getHeader().getRevision();
                    String lastKey = null;
                    for (KeyValue kv : resp.getKvs()) {
                        String k = kv.getKey().toString(StandardCharsets.UTF_8);
                        lastKey = k;
                        T obj;
                        try {
                            obj = read(k, kv).object();
                        } catch (CorruptException e) {
                            LOG.warn("skipping undecodable object {}: {}", k, e.getMessage());
                            corrupt.add(k);
                            continue;
                        }
                        if (opts.filter().test(obj)) {
                            items.add(obj);
                        }
                    }
                    boolean more = resp.isMore();
                    if (lastKey == null || !more) {
                        return CompletableFuture.completedFuture(new ObjectList<>(items, rev, "", corrupt));
                    }
                    String next = lastKey + "\0";
                    if (opts.limit() > 0 && items.size() >= opts.limit()) {
                        return CompletableFuture.completedFuture(
                                new ObjectList<>(items, rev, new ContinueToken(rev, next).encode(), corrupt));
                    }
                    return listPage(prefix, next, end, rev, opts, items, corrupt);
                });
    }

    // ------------------------------------------------------------------ writes

    /**
     * Creates the object. Assigns a name from generateName when the name is empty, a
     * uid, creationTimestamp and generation 1. Returns the stored object with its new
     * resourceVersion; {@link AlreadyExistsException} when the key exists.
     */
    public CompletableFuture<T> create(T obj) {
        ObjectMeta m = resource.meta(obj);
        if (m.getName().isEmpty() && m.getGenerateName().isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    resource.kind() + ": metadata.name or metadata.generateName is required"));
        }
        if (resource.namespaced() && m.getNamespace().isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    resource.kind() + " " + m.getName() + ": metadata.namespace is required"));
        }
        ObjectMeta.Builder mb = m.toBuilder().clearResourceVersion();
        if (!resource.namespaced()) {
            mb.clearNamespace();
        }
        if (mb.getUid().isEmpty()) {
            mb.setUid(UUID.randomUUID().toString());
        }
        if (!mb.hasCreationTimestamp()) {
            mb.setCreationTimestamp(nowSeconds());
        }
        if (mb.getGeneration() == 0 && resource.spec(obj) != null) {
            mb.setGeneration(1);
        }
        return createAttempt(obj, mb, m.getName().isEmpty(), 1);
    }

    private CompletableFuture<T> createAttempt(T obj, ObjectMeta.Builder mb, boolean generated, int attempt) {
        if (generated) {
            mb.setName(NameGenerator.generate(mb.getGenerateName()));
        }
        T toStore = resource.withMeta(obj, mb.build());
        String key = key(mb.getNamespace(), mb.getName());
        byte[] value;
        try {
            value = encodeChecked(key, toStore);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        cmps.add(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
        return txn(
                        "create",
                        key,
                        cmps,
                        Op.put(bs(key), ByteSequence.from(value), PutOption.DEFAULT),
                        Op.get(bs(key), GetOption.DEFAULT))
                .thenCompose(resp -> {
                    if (resp.isSucceeded()) {
                        return CompletableFuture.completedFuture(
                                withRevision(toStore, resp.getHeader().getRevision()));
                    }
                    if (currentKv(resp) == null) {
                        throw fencedOut(key);
                    }
                    if (generated && attempt < MAX_GENERATE_NAME_ATTEMPTS) {
                        return createAttempt(obj, mb, true, attempt + 1);
                    }
                    throw new AlreadyExistsException(
                            key, resource.plural() + " \"" + mb.getName() + "\" already exists");
                });
    }

    /**
     * Writes the object as given, if its resourceVersion is still the key's mod_revision.
     * {@link ConflictException} (carrying the current object) when it is not,
     * {@link NotFoundException} when the object is gone. The caller keeps immutable
     * metadata (uid, creationTimestamp) and generation as read; use
     * {@link #guaranteedUpdate} for read-modify-write.
     */
    public CompletableFuture<T> update(T obj) {
        return update(obj, List.of());
    }

    /**
     * {@link #update}, with {@code alsoOnSuccess} run in the same etcd transaction when its
     * compares hold (the object's mod_revision and the fence): one commit, one revision, and
     * none of it written when the update is refused. The extra ops must not touch the
     * object's own key. Used to write an object together with what records the change
     * (the scheduler's bind and its {@code Scheduled} Event).
     */
    public CompletableFuture<T> update(T obj, List<Op> alsoOnSuccess) {
        long expected;
        try {
            expected = expectedRevision(resource.meta(obj));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(obj, expected, List.copyOf(alsoOnSuccess));
    }

    /** The revision an update compares on: the object's resourceVersion, which it must have. */
    private long expectedRevision(ObjectMeta m) {
        String rv = m.getResourceVersion();
        if (rv.isEmpty()) {
            throw new IllegalArgumentException(
                    resource.kind() + " " + m.getName() + ": metadata.resourceVersion is required for an update");
        }
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    resource.kind() + " " + m.getName() + ": invalid resourceVersion \"" + rv + "\"");
        }
    }

    /**
     * Updates several objects in one etcd transaction, each compared on its own
     * {@code resourceVersion} (and the fence, when fenced): every object is written at one new
     * revision, or none is. When any compare fails the call fails with a
     * {@link ConflictException} that carries no current object, since the transaction does not
     * say which one moved; the caller writes them one by one with {@link #update}, so each
     * conflict reaches only its own writer. Returns the written objects, in order, with the new
     * revision. At most {@link #MAX_BATCH} objects, each key once. Made for many independent
     * writers in one process (kubelet-sim's node Leases), where one commit instead of dozens
     * spares etcd and the process the per-request cost.
     */
    public CompletableFuture<List<T>> updateAll(List<T> objs) {
        if (objs.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (objs.size() > MAX_BATCH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    objs.size() + " " + resource.plural() + " in one update; at most " + MAX_BATCH));
        }
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        List<Op> then = new ArrayList<>(objs.size());
        java.util.Set<String> keysSeen = new java.util.HashSet<>();
        for (T obj : objs) {
            ObjectMeta m = resource.meta(obj);
            String key = key(m.getNamespace(), m.getName());
            if (!keysSeen.add(key)) {
                return CompletableFuture.failedFuture(
                        new IllegalArgumentException(key + " is more than once in one update"));
            }
            try {
                cmps.add(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision(m))));
                then.add(Op.put(bs(key), ByteSequence.from(encodeChecked(key, obj)), PutOption.DEFAULT));
            } catch (IllegalArgumentException | StoreException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        String first = key(
                resource.meta(objs.get(0)).getNamespace(),
                resource.meta(objs.get(0)).getName());
        return txn("update", first, cmps, then, List.of()).thenApply(resp -> {
            if (!resp.isSucceeded()) {
                throw new ConflictException(
                        first,
                        "Operation cannot be fulfilled on " + objs.size() + " " + resource.plural()
                                + " written together: one of them has been modified (or the fence moved)",
                        null,
                        0);
            }
            long rev = resp.getHeader().getRevision();
            return objs.stream().map(o -> withRevision(o, rev)).toList();
        });
    }

    private CompletableFuture<T> write(T obj, long expectedRevision) {
        return write(obj, expectedRevision, List.of());
    }

    private CompletableFuture<T> write(T obj, long expectedRevision, List<Op> alsoOnSuccess) {
        ObjectMeta m = resource.meta(obj);
        String key = key(m.getNamespace(), m.getName());
        byte[] value;
        try {
            value = encodeChecked(key, obj);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        cmps.add(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)));
        List<Op> then = new ArrayList<>(1 + alsoOnSuccess.size());
        then.add(Op.put(bs(key), ByteSequence.from(value), PutOption.DEFAULT));
        then.addAll(alsoOnSuccess);
        return txn("update", key, cmps, then, Op.get(bs(key), GetOption.DEFAULT))
                .thenApply(resp -> {
                    if (resp.isSucceeded()) {
                        return withRevision(obj, resp.getHeader().getRevision());
                    }
                    throw failedCompare(key, m.getName(), resp, expectedRevision);
                });
    }

    /**
     * Read-modify-write until it sticks: applies {@code fn} to the current object and
     * writes the result with a compare on the revision it was read at; on conflict,
     * applies {@code fn} again to the value the failed transaction returned. When
     * {@code fn} returns an equal object nothing is written and the current object is
     * returned. {@code fn} may throw to abort; it must not change name or namespace.
     * Bumps generation when the spec changes.
     */
    public CompletableFuture<T> guaranteedUpdate(
            String namespace, String name, Preconditions pre, UnaryOperator<T> fn) {
        return getStored(namespace, name).thenCompose(cur -> updateLoop(cur.object(), cur.stale(), pre, fn, 1));
    }

    public CompletableFuture<T> guaranteedUpdate(String namespace, String name, UnaryOperator<T> fn) {
        return guaranteedUpdate(namespace, name, Preconditions.NONE, fn);
    }

    /**
     * {@link #guaranteedUpdate(String, String, Preconditions, UnaryOperator)} starting from
     * {@code cached} (e.g. an informer's copy, with its resourceVersion) instead of a read, as
     * kube's {@code GuaranteedUpdate} does with a cached existing object: the first write
     * compares on the cached revision, and a conflict retries from the value the refused
     * transaction returned, so an up-to-date cache costs one transaction instead of a read and
     * a transaction. When {@code fn} changes nothing in {@code cached}, fails on it, or the
     * preconditions do not hold for it, the cache may be behind: it reads etcd and goes on
     * from there, so the outcome is the one a read would have given. {@code fn} may be applied
     * more than once and must have no side effects.
     */
    public CompletableFuture<T> guaranteedUpdate(T cached, Preconditions pre, UnaryOperator<T> fn) {
        ObjectMeta cm = resource.meta(cached);
        boolean fromCache;
        try {
            checkPreconditions(key(cm.getNamespace(), cm.getName()), cm, pre);
            Long.parseLong(cm.getResourceVersion());
            T next = fn.apply(cached);
            fromCache = next != null && !next.equals(cached);
        } catch (RuntimeException e) {
            fromCache = false;
        }
        if (!fromCache) {
            return guaranteedUpdate(cm.getNamespace(), cm.getName(), pre, fn);
        }
        try {
            return updateLoop(cached, false, pre, fn, 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@code stale}: the current value was written with an encryption key other than the one
     * that writes now. Like kube, such a value is rewritten even when {@code fn} changes
     * nothing, so {@code kubectl replace} of unchanged objects re-encrypts them after a key
     * rotation.
     */
    private CompletableFuture<T> updateLoop(T cur, boolean stale, Preconditions pre, UnaryOperator<T> fn, int attempt) {
        ObjectMeta cm = resource.meta(cur);
        String key = key(cm.getNamespace(), cm.getName());
        checkPreconditions(key, cm, pre);
        T next = fn.apply(cur);
        if (next == null) {
            throw new IllegalStateException("update function returned null for " + key);
        }
        if (next.equals(cur)) {
            if (!stale) {
                return CompletableFuture.completedFuture(cur);
            }
            LOG.info("rewriting unchanged {}: stored with a stale encryption key", key);
        }
        ObjectMeta nm = resource.meta(next);
        if (!nm.getName().equals(cm.getName()) || !nm.getNamespace().equals(cm.getNamespace())) {
            throw new IllegalArgumentException("update of " + key + " may not change name or namespace");
        }
        ObjectMeta.Builder nb = nm.toBuilder()
                .setUid(cm.getUid())
                .setCreationTimestamp(cm.getCreationTimestamp())
                .setResourceVersion(cm.getResourceVersion());
        Object oldSpec = resource.spec(cur);
        if (oldSpec != null && !oldSpec.equals(resource.spec(next)) && nm.getGeneration() == cm.getGeneration()) {
            nb.setGeneration(cm.getGeneration() + 1);
        }
        T toWrite = resource.withMeta(next, nb.build());
        long expected = Long.parseLong(cm.getResourceVersion());
        return write(toWrite, expected).exceptionallyCompose(err -> {
            StoreException se = StoreException.unwrap(err);
            if (se instanceof ConflictException ce && ce.current() != null) {
                T current = ce.current();
                if (etcd.encryption() != StorageEncryption.NONE) {
                    // the conflict carries the object, not whether its value is stale: read both
                    return retryDelay(attempt)
                            .thenCompose(x -> getStored(cm.getNamespace(), cm.getName()))
                            .thenCompose(c -> updateLoop(c.object(), c.stale(), pre, fn, attempt + 1));
                }
                return retryDelay(attempt).thenCompose(x -> updateLoop(current, false, pre, fn, attempt + 1));
            }
            return CompletableFuture.failedFuture(err);
        });
    }

    /**
     * Retries on conflict are unbounded (the update is guaranteed), but after a few
     * consecutive conflicts each waits a random few milliseconds, growing with the
     * attempt, so writers contending for one object take turns instead of starving.
     */
    private static CompletableFuture<Void> retryDelay(int attempt) {
        if (attempt < BACKOFF_AFTER_ATTEMPTS) {
            return CompletableFuture.completedFuture(null);
        }
        long maxMs = Math.min(50, 1L << Math.min(6, attempt - BACKOFF_AFTER_ATTEMPTS));
        long delay = java.util.concurrent.ThreadLocalRandom.current().nextLong(maxMs + 1);
        return CompletableFuture.runAsync(
                () -> {}, CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    private void checkPreconditions(String key, ObjectMeta m, Preconditions pre) {
        if (!pre.uid().isEmpty() && !pre.uid().equals(m.getUid())) {
            throw ConflictException.uidMismatch(key, pre.uid(), m.getUid(), Long.parseLong(m.getResourceVersion()));
        }
        if (!pre.resourceVersion().isEmpty() && !pre.resourceVersion().equals(m.getResourceVersion())) {
            throw new ConflictException(
                    key,
                    "Operation cannot be fulfilled on " + resource.plural() + " \"" + m.getName()
                            + "\": the object has been modified; please apply your changes to the latest version and try again",
                    null,
                    Long.parseLong(m.getResourceVersion()));
        }
    }

    /**
     * Deletes the object at once (no grace period; graceful pod deletion is the API
     * server's and the kubelet's business). With a uid or resourceVersion precondition
     * the delete happens only while the object still matches it.
     */
    public CompletableFuture<Deleted<T>> delete(String namespace, String name, Preconditions pre) {
        String key = key(namespace, name);
        if (!pre.uid().isEmpty()) {
            // uid lives inside the value, which etcd cannot compare: read, check, then compare on mod_revision
            return get(namespace, name).thenCompose(cur -> deleteMatching(key, name, cur, pre, 1));
        }
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        long expected = pre.resourceVersion().isEmpty() ? -1 : Long.parseLong(pre.resourceVersion());
        if (expected >= 0) {
            cmps.add(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expected)));
        }
        return deleteTxn(key, name, cmps, expected);
    }

    public CompletableFuture<Deleted<T>> delete(String namespace, String name) {
        return delete(namespace, name, Preconditions.NONE);
    }

    private CompletableFuture<Deleted<T>> deleteMatching(
            String key, String name, T cur, Preconditions pre, int attempt) {
        ObjectMeta m = resource.meta(cur);
        checkPreconditions(key, m, pre);
        long rev = Long.parseLong(m.getResourceVersion());
        List<Cmp> cmps = new ArrayList<>(fence.compares());
        cmps.add(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)));
        return deleteTxn(key, name, cmps, rev).exceptionallyCompose(err -> {
            StoreException se = StoreException.unwrap(err);
            if (se instanceof ConflictException ce && ce.current() != null) {
                T current = ce.current();
                return retryDelay(attempt).thenCompose(x -> deleteMatching(key, name, current, pre, attempt + 1));
            }
            return CompletableFuture.failedFuture(err);
        });
    }

    private CompletableFuture<Deleted<T>> deleteTxn(String key, String name, List<Cmp> cmps, long expected) {
        Op del = Op.delete(bs(key), DeleteOption.builder().withPrevKV(true).build());
        return txn("delete", key, cmps, del, Op.get(bs(key), GetOption.DEFAULT)).thenApply(resp -> {
            if (!resp.isSucceeded()) {
                throw failedCompare(key, name, resp, expected);
            }
            var dr = resp.getDeleteResponses().get(0);
            if (dr.getDeleted() == 0 || dr.getPrevKvs().isEmpty()) {
                throw notFound(key, name);
            }
            KeyValue prev = dr.getPrevKvs().get(0);
            T last;
            try {
                last = read(key, prev).object();
            } catch (CorruptException e) {
                // deleting a corrupt value is how an operator repairs it; report the delete anyway
                LOG.warn("deleted undecodable object {}", key);
                last = null;
            }
            return new Deleted<>(last, resp.getHeader().getRevision());
        });
    }

    // ------------------------------------------------------------------ watch

    /**
     * Watches this resource (one namespace, or all when null) from {@code fromRevision}
     * (inclusive). See {@link ResourceWatch} for the guarantees.
     */
    public ResourceWatch<T> watch(String namespace, long fromRevision, WatchListener<T> listener) {
        ResourceWatch<T> w =
                new ResourceWatch<>(etcd, resource, keys.listPrefix(resource, namespace), fromRevision, listener);
        w.start();
        return w;
    }

    // ------------------------------------------------------------------ helpers

    /** kube's {@code type} label of etcd requests: the resource's registry prefix. */
    private String type() {
        return "/registry/" + resource.plural();
    }

    private CompletableFuture<TxnResponse> txn(String operation, String key, List<Cmp> cmps, Op then, Op orElse) {
        return txn(operation, key, cmps, List.of(then), orElse);
    }

    private CompletableFuture<TxnResponse> txn(String operation, String key, List<Cmp> cmps, List<Op> then, Op orElse) {
        return txn(operation, key, cmps, then, List.of(orElse));
    }

    private CompletableFuture<TxnResponse> txn(
            String operation, String key, List<Cmp> cmps, List<Op> then, List<Op> orElse) {
        return etcd.call(
                operation,
                type(),
                key,
                () -> etcd.client()
                        .getKVClient()
                        .txn()
                        .If(cmps.toArray(Cmp[]::new))
                        .Then(then.toArray(Op[]::new))
                        .Else(orElse.toArray(Op[]::new))
                        .commit());
    }

    /** Decodes a stored value, decrypting it first as the connection's encryption says. */
    private Stored<T> read(String key, KeyValue kv) {
        FromStorage plain =
                etcd.encryption().fromStorage(resource, key, kv.getValue().getBytes());
        return new Stored<>(ObjectCodec.decode(resource, key, plain.plain(), kv.getModRevision()), plain.stale());
    }

    private record Stored<T>(T object, boolean stale) {}

    private byte[] encodeChecked(String key, T obj) {
        byte[] value = etcd.encryption().toStorage(resource, key, ObjectCodec.encode(resource, obj));
        if (value.length + key.length() > MAX_OBJECT_BYTES) {
            throw new TooLargeException(
                    key,
                    resource.kind() + " " + resource.meta(obj).getName() + " is " + value.length
                            + " bytes encoded; the limit is " + MAX_OBJECT_BYTES
                            + " bytes (etcd's request size limit)");
        }
        return value;
    }

    private static KeyValue currentKv(TxnResponse resp) {
        List<GetResponse> gets = resp.getGetResponses();
        if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
            return null;
        }
        return gets.get(0).getKvs().get(0);
    }

    /** Works out why a txn's compares failed, from the else-branch read of the key. */
    private StoreException failedCompare(String key, String name, TxnResponse resp, long expectedRevision) {
        KeyValue cur = currentKv(resp);
        if (cur == null) {
            if (expectedRevision < 0) {
                return fencedOut(key);
            }
            return notFound(key, name);
        }
        if (expectedRevision < 0 || cur.getModRevision() == expectedRevision) {
            // the object compare would have passed, so the fence failed
            return fencedOut(key);
        }
        T current;
        try {
            current = read(key, cur).object();
        } catch (CorruptException e) {
            return e;
        }
        return new ConflictException(
                key,
                "Operation cannot be fulfilled on " + resource.plural() + " \"" + name
                        + "\": the object has been modified; please apply your changes to the latest version and try again",
                current,
                cur.getModRevision());
    }

    private FencedOutException fencedOut(String key) {
        return new FencedOutException(
                key, "write to " + key + " rejected: this process no longer holds leadership (" + fence + ")");
    }

    private NotFoundException notFound(String key, String name) {
        return new NotFoundException(key, resource.plural() + " \"" + name + "\" not found");
    }

    private T withRevision(T obj, long revision) {
        return resource.withTypeMeta(resource.withResourceVersion(obj, revision));
    }

    private static Timestamp nowSeconds() {
        return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
