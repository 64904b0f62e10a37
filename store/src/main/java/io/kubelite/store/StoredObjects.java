package io.kubelite.store;

import com.google.protobuf.Message;
import io.etcd.jetcd.KeyValue;
import io.kubelite.kinds.Resource;

/**
 * The value format of objects as one connection stores them: {@link ObjectCodec}'s
 * encoding, then the connection's {@link Etcd#encryption() encryption at rest}. Everything
 * that reads or writes object values with a raw etcd client (watches, event writers, mirror
 * pods) goes through here, so an encrypted resource is encrypted whoever writes it.
 */
public final class StoredObjects {
    private StoredObjects() {}

    /** The value to put at {@code key}. */
    public static <T extends Message> byte[] encode(Etcd etcd, Resource<T> r, String key, T obj) {
        return etcd.encryption().toStorage(r, key, ObjectCodec.encode(r, obj));
    }

    /**
     * The object stored in {@code kv}; {@link CorruptException} (an
     * {@link UntransformableException} when it cannot be decrypted) otherwise.
     */
    public static <T extends Message> T decode(Etcd etcd, Resource<T> r, String key, KeyValue kv) {
        byte[] plain =
                etcd.encryption().fromStorage(r, key, kv.getValue().getBytes()).plain();
        return ObjectCodec.decode(r, key, plain, kv.getModRevision());
    }
}
