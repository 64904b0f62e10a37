package io.kubelite.store.runtime;

import io.kubelite.store.Fence;

import java.util.Objects;

/**
 * One term of leadership handed to {@link Component#onStartedLeading}: the leader's
 * candidate key, its fencing token (the key's create_revision) and the {@link Fence}
 * every write made during this term must carry.
 *
 * <p>This mirrors {@code io.kubelite.store.election.Leadership} so the runtime does not
 * depend on the election package; an {@link ElectorFactory} adapter converts one into
 * the other. When leader election is off, components get {@link #UNELECTED}: no key,
 * token 0, {@link Fence#NONE}, so a component has one code path either way.
 */
public record LeaderTerm(String key, long token, Fence fence) {
    /** The "term" of a process that runs without leader election. */
    public static final LeaderTerm UNELECTED = new LeaderTerm(null, 0, Fence.NONE);

    public LeaderTerm {
        Objects.requireNonNull(fence, "fence");
    }

    /** True for a real elected term, false for {@link #UNELECTED}. */
    public boolean elected() {
        return key != null;
    }
}
