package io.kubelite.store.reflector;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.ObjectList;
import io.kubelite.store.watch.WatchListener;

/**
 * The only seam between a {@link Reflector} and the source of one resource's objects (as
 * client-go's {@code ListerWatcher}): a consistent list, and a watch from a revision.
 *
 * <p>Contract the reflector relies on:
 * <ul>
 *   <li>{@link #list} returns every object at one revision, each carrying its
 *       {@code resourceVersion} (the revision of its last change), that revision, and the
 *       source keys whose values could not be read. It blocks and fails with a
 *       {@link RuntimeException}; the reflector retries with back-off.</li>
 *   <li>{@link #watch} delivers every change after {@code fromRevision - 1}, in revision
 *       order, once each, on one thread of the source's own (never on the caller's, and
 *       never while the caller is inside {@code watch}). When that history is gone
 *       (compacted) it calls {@code onExpired} once and delivers nothing more: the
 *       reflector relists. Any other trouble is the source's to resume from.</li>
 * </ul>
 */
public interface ListerWatcher<T extends Message> {

    /** A running watch; closing it stops delivery. Idempotent. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** What is listed and watched, for thread names and logs (e.g. {@code pods}, {@code pods in default}). */
    String description();

    Resource<T> resource();

    /** Every object now, and the revision they were read at. */
    ObjectList<T> list();

    /** Watches from {@code fromRevision} (inclusive). */
    Watch watch(long fromRevision, WatchListener<T> listener);

    /**
     * The object key ({@code namespace/name}, or {@code name}) a source key names: watch
     * events and unreadable values carry source keys (etcd keys, for etcd).
     */
    String objectKey(String sourceKey);
}
