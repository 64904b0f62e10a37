package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.Keys;
import io.kubelite.store.ObjectStore;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * kube-apiserver's consistent read from the watch cache: the cache is read only once it holds
 * at least what etcd had acknowledged when the request came in, found by a quorum read of the
 * resource's prefix (one key, keys only). Without it a client that has just written could read
 * an older state back from this or another replica's cache.
 */
final class FreshCache {
    /** How long a request waits for its cache before kube's 504 "Too large resource version". */
    static final long WAIT_MILLIS = 3_000;

    private FreshCache() {}

    /**
     * Completes when {@code cache} holds at least what etcd holds now under {@code store}'s
     * resource, or fails with kube-apiserver's 504 Timeout (retry after 1 s) when it does not
     * get there within {@link #WAIT_MILLIS}.
     */
    static <T extends Message> CompletableFuture<Void> await(WatchCache<T> cache, ObjectStore<T> store, Vertx vertx) {
        return awaitRevision(cache, store, vertx).thenApply(rev -> null);
    }

    /**
     * As {@link #await}, completing with etcd's revision when the request came in. The cache then
     * holds exactly what etcd held for the resource at that revision, so a read of it may carry that
     * revision when the cache's own is older (no change to the resource since, only to others): a
     * client that lists here and watches another replica from it is not sent back to relist.
     */
    static <T extends Message> CompletableFuture<Long> awaitRevision(
            WatchCache<T> cache, ObjectStore<T> store, Vertx vertx) {
        String prefix = store.keys().resourcePrefix(cache.resource());
        GetOption opt = GetOption.builder()
                .withRange(Etcd.bytes(Keys.rangeEnd(prefix)))
                .withSortField(GetOption.SortTarget.MOD)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(1)
                .withKeysOnly(true)
                .build();
        return cache.synced()
                .thenCompose(v -> store.etcd()
                        .call(prefix, () -> store.etcd().client().getKVClient().get(Etcd.bytes(prefix), opt)))
                .thenCompose(resp -> {
                    EtcdState state = new EtcdState(
                            resp.getHeader().getRevision(),
                            resp.getKvs().isEmpty() ? 0 : resp.getKvs().get(0).getModRevision(),
                            resp.getCount());
                    CompletableFuture<Long> fresh = cache.awaitFresh(state).thenApply(v -> state.revision());
                    if (fresh.isDone()) {
                        return fresh;
                    }
                    long timer = vertx.setTimer(
                            WAIT_MILLIS,
                            t -> fresh.completeExceptionally(new ApiException(
                                    504,
                                    "Timeout",
                                    "Too large resource version: " + state.revision() + ", current: "
                                            + cache.revision(),
                                    null,
                                    null,
                                    null,
                                    List.of(),
                                    1)));
                    fresh.whenComplete((x, err) -> vertx.cancelTimer(timer));
                    return fresh;
                });
    }
}
