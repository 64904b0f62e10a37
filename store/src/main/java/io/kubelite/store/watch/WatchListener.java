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

    /**
     * Whether events should carry the state before each change: {@link WatchEvent#previous()}
     * of ADDED and MODIFIED events, and the object of DELETED events. Asked once, when the
     * watch opens. True asks etcd for each change's previous value (etcd then reads it for
     * every event and sends it along, and the watch decodes it). A listener that keeps the
     * last state of every key itself (a reflector's view) says false: etcd sends only the
     * new values, {@code previous} is null, and a DELETED event's object is null.
     */
    default boolean wantsPrevious() {
        return true;
    }

    /**
     * Objects this process wrote that the watch may deliver instead of decoding their values
     * (see {@link KnownValues}); null (the default): decode every value. Asked once, when the
     * watch opens.
     */
    default KnownValues<T> knownValues() {
        return null;
    }

    /** A changed value could not be decoded; the watch goes on past it. */
    default void onCorrupt(CorruptException error) {}

    /**
     * The revision to resume from was compacted. The watch has stopped; the caller must
     * relist and start a new watch.
     */
    void onExpired(ExpiredException error);
}
