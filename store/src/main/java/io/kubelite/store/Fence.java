package io.kubelite.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A condition a leader adds to every write it makes: its own candidate key still has
 * the create_revision it had when it won. A deposed leader's write then fails
 * atomically, whatever its clock or a GC pause made it believe.
 */
public interface Fence {
    /** No fence: writes of components that are not leader-elected. */
    Fence NONE = new Fence() {
        @Override
        public List<Cmp> compares() {
            return List.of();
        }

        @Override
        public String toString() {
            return "Fence.NONE";
        }
    };

    /** The compares to add to the write's txn. Empty for {@link #NONE}. */
    List<Cmp> compares();

    /** A fence on {@code create_revision(leaderKey) == token}. */
    static Fence onKey(String leaderKey, long token) {
        ByteSequence key = ByteSequence.from(leaderKey, StandardCharsets.UTF_8);
        List<Cmp> cmps = List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(token)));
        return new Fence() {
            @Override
            public List<Cmp> compares() {
                return cmps;
            }

            @Override
            public String toString() {
                return "Fence[" + leaderKey + "@" + token + "]";
            }
        };
    }
}
