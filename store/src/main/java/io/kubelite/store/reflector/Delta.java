package io.kubelite.store.reflector;

import io.kubelite.store.watch.WatchEvent;

/**
 * One change to a reflector's view of a resource, at {@code revision}. {@code key} is the
 * object key ({@code namespace/name}, or {@code name}); {@code object} is the new state, or
 * for {@link WatchEvent.Type#DELETED} the last state; {@code previous} is the state the
 * view held before a {@link WatchEvent.Type#MODIFIED} (null otherwise).
 */
public record Delta<T>(WatchEvent.Type type, String key, T object, T previous, long revision) {}
