package io.kubelite.kubelet.pod;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerState;
import io.kubelite.api.HostIP;
import io.kubelite.api.MessageFields;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Toleration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One instance of the small messages that many pods hold equal: a pod's conditions and
 * timestamps (pods started in the same second carry the same ones, at the second precision the
 * kubelet writes), its node's HostIP, its containers' states, and the specs of containers made
 * from one template (a ReplicaSet's pods, the same container spec each). Every pod decoded or
 * computed here holds its own copy of each otherwise — some 700 bytes per pod.
 *
 * <p>A pod's spec is shared whole when it is equal to another's: pods of one template on one
 * node (the spec names its node). Pods whose specs carry something of their own (the
 * ServiceAccount admission's {@code kube-api-access-<random>} volume) share their containers only.
 *
 * <p>A list of such messages (a pod status's conditions and HostIPs) is shared too, the list
 * object itself: protobuf gives every repeated field of every decoded or built message a list of
 * its own (its array and an unmodifiable wrapper, some 70 bytes each), although the lists of two
 * pods hold the same shared elements. The list is kept in a holder message that sets only that
 * field, remembered like the messages; a builder merged from the holder takes its immutable list
 * as is, and so does the message it builds. Not in messages with map fields (a pod's metadata and
 * spec): the generated {@code mergeFrom} gives each of those a map of its own.
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

    /** The kinds of message many pods hold equal. */
    private static final Set<Descriptor> SHAREABLE = Set.of(
            Timestamp.getDescriptor(),
            PodCondition.getDescriptor(),
            HostIP.getDescriptor(),
            ContainerState.getDescriptor(),
            Container.getDescriptor(),
            Toleration.getDescriptor(),
            OwnerReference.getDescriptor(),
            PodSpec.getDescriptor());

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
        Message seen = table.get(slot(m));
        return seen != null && seen.equals(m) ? seen : null;
    }

    private Message canonical(Message m) {
        m = withSharedLists(m);
        if (!shareable(m)) {
            return m;
        }
        return remembered(m);
    }

    /** The instance last seen equal to {@code m} in its slot, or {@code m}, remembered from now on. */
    private Message remembered(Message m) {
        int i = slot(m);
        Message seen = table.get(i);
        if (seen != null && seen.equals(m)) {
            return seen;
        }
        table.set(i, m);
        return m;
    }

    private static int slot(Message m) {
        int h = m.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /**
     * {@code m} with each non-empty list of shareable messages replaced by the equal list last
     * seen ({@link #remembered} holder), or {@code m} itself when there is none or they are the
     * same lists already. Lists of other messages (a pod's IPs, its container statuses) are
     * left alone: they differ from pod to pod and would only push shared lists out of the table.
     */
    private Message withSharedLists(Message m) {
        MessageFields fields = MessageFields.of(m);
        if (fields.hasMapFields()) {
            // a generated builder's mergeFrom, the only way to hand it a list, gives each map field
            // a map of its own, empty ones too (some 130 bytes each, more than a shared list
            // saves): a pod's metadata and spec keep their lists (the spec is shared whole instead)
            return m;
        }
        List<Message> holders = null;
        Set<FieldDescriptor> taken = null;
        for (MessageFields.Field field : fields.fields()) {
            FieldDescriptor f = field.descriptor();
            if (!field.repeated()
                    || field.kind() != MessageFields.Kind.MESSAGE
                    || !SHAREABLE.contains(f.getMessageType())) {
                continue;
            }
            List<?> list = (List<?>) field.get(m);
            if (list.isEmpty()) {
                continue;
            }
            Message holder = remembered(m.newBuilderForType().setField(f, list).build());
            if (field.get(holder) == list) {
                continue;
            }
            if (holders == null) {
                holders = new ArrayList<>(2);
                taken = new HashSet<>(4);
            }
            holders.add(holder);
            taken.add(f);
        }
        if (holders == null) {
            return m;
        }
        Message.Builder b = fields.builderFrom(m, taken);
        for (Message holder : holders) {
            // generated mergeFrom takes the other message's list itself when its own is empty
            b.mergeFrom(holder);
        }
        return b.build();
    }

    private static boolean shareable(Message m) {
        return SHAREABLE.contains(m.getDescriptorForType());
    }
}
