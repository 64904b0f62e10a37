package io.kubelite.apiserver;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import io.kubelite.api.ManagedFieldsEntry;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;

/**
 * Shares equal managedFields field sets (FieldsV1) between the objects of one watch cache.
 *
 * <p>A FieldsV1 set is a {@link Struct} tree; decoded, a pod's few sets cost more than its JSON
 * (each node a Struct, a map, a Value and a key String), yet the pods of one ReplicaSet carry the
 * same sets from the same managers, and each version of an object mostly repeats the previous
 * one's. Objects are immutable, so equal trees can be one instance: a weak interner keeps one of
 * each set that some cached object still holds, and forgets it when none does.
 *
 * <p>Thread-safe; used as the watch cache reflector's transform, once per arriving object.
 */
final class SharedFieldSets<T extends Message> {
    private final Resource<T> resource;
    private final Interner<Struct> sets = Interners.newWeakInterner();

    SharedFieldSets(Resource<T> resource) {
        this.resource = resource;
    }

    /** {@code o}, or an equal object whose field sets are the shared instances. */
    T share(T o) {
        ObjectMeta m = resource.meta(o);
        int n = m.getManagedFieldsCount();
        if (n == 0) {
            return o;
        }
        ObjectMeta.Builder b = null;
        for (int i = 0; i < n; i++) {
            ManagedFieldsEntry e = m.getManagedFields(i);
            if (!e.hasFieldsV1()) {
                continue;
            }
            Struct shared = sets.intern(e.getFieldsV1());
            if (shared != e.getFieldsV1()) {
                if (b == null) {
                    b = m.toBuilder();
                }
                b.setManagedFields(i, e.toBuilder().setFieldsV1(shared));
            }
        }
        return b == null ? o : resource.withMeta(o, b.build());
    }
}
