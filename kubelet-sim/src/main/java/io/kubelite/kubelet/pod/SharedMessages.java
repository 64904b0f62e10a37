package io.kubelite.kubelet.pod;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerState;
import io.kubelite.api.HostIP;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.PodCondition;
import io.kubelite.api.Toleration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One instance of the small messages that many pods hold equal: a pod's conditions and
 * timestamps (pods started in the same second carry the same ones, at the second precision the
 * kubelet writes), its node's HostIP, its containers' states, and the specs of containers made
 * from one template (a ReplicaSet's pods, the same container spec each). Every pod decoded or
 * computed here holds its own copy of each otherwise — some 700 bytes per pod.
 *
 * <p>{@link #share} gives an equal message whose short strings are interned ({@link
 * ProtoStrings}) and whose messages of those kinds are the instance seen last with that value,
 * when it is still remembered. Remembered are the last of each hash bucket of a fixed table, so
 * the memory is bounded and a message that is not found is merely not shared. Thread-safe:
 * messages are immutable and the table's slots are published atomically.
 */
public final class SharedMessages {
    /** Slots of the table: a power of two, a few seconds' timestamps and every template's specs. */
    private static final int SLOTS = 1 << 14;

    private final AtomicReferenceArray<Message> table = new AtomicReferenceArray<>(SLOTS);

    /** {@code m} with its short strings and its shareable messages shared; equal to {@code m}. */
    public <M extends Message> M share(M m) {
        return ProtoStrings.intern(m, this::known, this::canonical);
    }

    /** The remembered instance equal to {@code m}, or null; remembers nothing. */
    private Message known(Message m) {
        if (!shareable(m)) {
            return null;
        }
        int h = m.hashCode();
        Message seen = table.get((h ^ (h >>> 16)) & (SLOTS - 1));
        return seen != null && seen.equals(m) ? seen : null;
    }

    private Message canonical(Message m) {
        if (!shareable(m)) {
            return m;
        }
        int h = m.hashCode();
        int i = (h ^ (h >>> 16)) & (SLOTS - 1);
        Message seen = table.get(i);
        if (seen != null && seen.equals(m)) {
            return seen;
        }
        table.set(i, m);
        return m;
    }

    private static boolean shareable(Message m) {
        return m instanceof Timestamp
                || m instanceof PodCondition
                || m instanceof HostIP
                || m instanceof ContainerState
                || m instanceof Container
                || m instanceof Toleration
                || m instanceof OwnerReference;
    }
}
