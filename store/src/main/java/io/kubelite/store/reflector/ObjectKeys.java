package io.kubelite.store.reflector;

import io.kubelite.api.ObjectMeta;

/** The key of an object in local caches and work queues: {@code namespace/name}, or {@code name} when cluster-scoped. */
public final class ObjectKeys {
    private ObjectKeys() {}

    public static String of(ObjectMeta m) {
        return of(m.getNamespace(), m.getName());
    }

    public static String of(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
