package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.util.function.BinaryOperator;

/**
 * The watch cache's reflector transform ({@code (previous, incoming) -> cached}): the arriving
 * object with its equal parts shared ({@link SharedSubtrees}). A changed object is compared with
 * its previous version, a new one with its last generateName sibling ({@link GeneratedSiblings}),
 * so the parts they have in common cost one {@code equals}. Only new objects are remembered as
 * siblings: a sibling as created (not yet bound, no status) is what the next one repeats, and the
 * far more frequent updates skip the lookup. Thread-safe.
 */
final class CachedObjectSharing<T extends Message> implements BinaryOperator<T> {
    /** generateNames remembered (the most recently seen). */
    private static final int SIBLINGS = 4096;

    private final SharedSubtrees shared = new SharedSubtrees();
    private final GeneratedSiblings<T> siblings;

    CachedObjectSharing(Resource<T> resource) {
        this.siblings = new GeneratedSiblings<>(resource, SIBLINGS);
    }

    @Override
    public T apply(T previous, T incoming) {
        if (previous != null) {
            return shared.share(incoming, previous);
        }
        T out = shared.share(incoming, siblings.of(incoming));
        siblings.remember(out);
        return out;
    }
}
