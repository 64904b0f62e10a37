package io.kubelite.store.election;

import io.kubelite.store.Fence;
import java.util.Objects;

/**
 * One term of leadership: the winning candidate key, its {@code create_revision} (the
 * fencing token, unique and increasing across terms of one etcd cluster), and the
 * {@link Fence} every write made during this term must carry.
 *
 * <p>The fence stays valid exactly as long as the candidate key exists with that
 * create_revision in etcd, whatever this process believes: a write fenced with a stale
 * Leadership fails atomically.
 */
public record Leadership(String key, long token, Fence fence) {
    /**
     * The "term" of a process that runs without leader election: no key, token 0,
     * {@link Fence#NONE}, so a component has one code path either way.
     */
    public static final Leadership UNELECTED = new Leadership(null, 0, Fence.NONE);

    public Leadership {
        Objects.requireNonNull(fence, "fence");
        if (key == null && (token != 0 || fence != Fence.NONE)) {
            throw new IllegalArgumentException("only the UNELECTED term has no key");
        }
        if (key != null && token <= 0) {
            throw new IllegalArgumentException("token must be a positive create_revision, got " + token);
        }
    }

    /** True for a real elected term, false for {@link #UNELECTED}. */
    public boolean elected() {
        return key != null;
    }

    /** The leadership held by candidate {@code key} created at revision {@code token}. */
    public static Leadership of(String key, long token) {
        return new Leadership(key, token, Fence.onKey(key, token));
    }
}
