package io.kubelite.store.watch;

import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;

/**
 * Receives a watch's events, in revision order, each exactly once. Called on the
 * watch's delivery thread; keep it short (queue work elsewhere) or the watch falls
 * behind.
 */
public interface WatchListener<T> {
    void onEvent(WatchEvent<T> event);

    /**
     * The watch has seen everything up to {@code revision} (a progress notification or
     * the revision of the last event). Lets an idle watcher's revision stay fresh.
     */
    default void onProgress(long revision) {}

    /** A changed value could not be decoded; the watch goes on past it. */
    default void onCorrupt(CorruptException error) {}

    /**
     * The revision to resume from was compacted. The watch has stopped; the caller must
     * relist and start a new watch.
     */
    void onExpired(ExpiredException error);
}
