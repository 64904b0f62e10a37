package io.kubelite.store.reflector;

import java.util.List;

/**
 * Receives a {@link Reflector}'s view of a resource as changes. Calls never overlap and
 * come in revision order; each is made under the reflector's lock, so keep them short
 * and never call back into the reflector from them.
 */
public interface ReflectorListener<T> {
    /**
     * A list replaced the view: {@code deltas} (deletes first, then adds and modifications,
     * all at {@code revision}) turn the previous view into the listed one. {@code relist}
     * is false for the first list, true for a list after the watch expired.
     */
    void onReplace(List<Delta<T>> deltas, long revision, boolean relist);

    /** One watched change. */
    void onDelta(Delta<T> delta);

    /**
     * Everything up to {@code revision} has been delivered: a progress notification, or a
     * change that left the view as it was (a filtered-out object, a delete of an object
     * the view never held).
     */
    default void onProgress(long revision) {}
}
