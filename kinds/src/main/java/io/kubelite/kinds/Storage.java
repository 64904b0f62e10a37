package io.kubelite.kinds;

import com.google.protobuf.Message;
import java.util.Objects;

/**
 * Where a kind's objects live, decided once in the kind registry: under its own etcd keys
 * with its own watch cache ({@link Etcd}); as another kind's objects, converted both ways
 * (kube's "one storage, several group-versions", e.g. {@code events.k8s.io/v1} Events
 * stored as {@code v1} Events: {@link ViewOf}); or nowhere ({@link None}: a create-only
 * kind such as {@code SelfSubjectAccessReview}, answered and forgotten, whose only verb is
 * {@code create}).
 */
public sealed interface Storage {
    Storage ETCD = new Etcd();
    Storage NONE = new None();

    /** Own etcd keys and watch cache. */
    record Etcd() implements Storage {}

    /** Not stored: a POST is answered from its body and nothing is written. */
    record None() implements Storage {}

    /**
     * Stored as objects of {@code stored}: every read converts from them and every write to
     * them.
     *
     * @param <T> the served kind's message
     * @param <S> the stored kind's message
     */
    record ViewOf<T extends Message, S extends Message>(Kind<S> stored, Conversion<T, S> conversion)
            implements Storage {
        public ViewOf {
            Objects.requireNonNull(stored);
            Objects.requireNonNull(conversion);
            if (!(stored.storage() instanceof Etcd)) {
                throw new IllegalArgumentException(stored + " is not stored in etcd");
            }
        }
    }

    /**
     * Converts between a served kind and the kind it is stored as, both ways, losslessly
     * for every field both have (kube's conversion functions).
     */
    interface Conversion<T extends Message, S extends Message> {
        S toStorage(T served);

        T fromStorage(S stored);
    }
}
