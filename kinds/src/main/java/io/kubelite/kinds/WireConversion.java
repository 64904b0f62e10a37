package io.kubelite.kinds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Objects;

/**
 * The conversion between two versions of a kind whose schemas are the same for every field
 * kubelite models ({@code batch/v1beta1} and {@code batch/v1} CronJobs): both messages carry
 * Kubernetes' own field numbers (proto/tools/renumber.py, KubeFieldNumbersTest), so one's bytes
 * are the other's and the conversion is a re-parse, lossless both ways. apiVersion and kind
 * (numbered from 1000 in both) are cleared: the served resource sets its own.
 *
 * @param <T> the served version's message
 * @param <S> the stored version's message
 */
public final class WireConversion<T extends Message, S extends Message> implements Storage.Conversion<T, S> {
    private final T served;
    private final S stored;

    private WireConversion(T served, S stored) {
        this.served = Objects.requireNonNull(served);
        this.stored = Objects.requireNonNull(stored);
    }

    /** The conversion between the types of {@code served} and {@code stored} (any instances, usually the defaults). */
    public static <T extends Message, S extends Message> WireConversion<T, S> between(T served, S stored) {
        return new WireConversion<>(served, stored);
    }

    @Override
    public S toStorage(T in) {
        return reparse(in, stored);
    }

    @Override
    public T fromStorage(S in) {
        return reparse(in, served);
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> M reparse(Message in, M prototype) {
        try {
            Message.Builder b = prototype.newBuilderForType().mergeFrom(in.toByteString());
            var d = b.getDescriptorForType();
            b.clearField(d.findFieldByName("api_version")).clearField(d.findFieldByName("kind"));
            return (M) b.build();
        } catch (InvalidProtocolBufferException e) {
            // both types are generated from .proto files whose numbers KubeFieldNumbersTest checks
            throw new IllegalStateException(
                    in.getDescriptorForType().getFullName() + " does not share "
                            + prototype.getDescriptorForType().getFullName() + "'s field numbers",
                    e);
        }
    }
}
