package io.kubelite.kinds.core.persistentvolume;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.FieldSchema;
import io.kubelite.api.PersistentVolumeSpec;
import java.util.List;

/**
 * The volume sources of a PersistentVolumeSpec: the fields of kube's embedded
 * {@code PersistentVolumeSource} ({@code (k8s_inline) = "persistentVolumeSource"}), of which a
 * volume sets exactly one.
 */
public final class VolumeSources {
    private static final String INLINE = "persistentVolumeSource";

    private static final List<FieldDescriptor> FIELDS = PersistentVolumeSpec.getDescriptor().getFields().stream()
            .filter(f -> INLINE.equals(FieldSchema.k8sInline(f)))
            .toList();

    private VolumeSources() {}

    /** The JSON names of the sources {@code spec} sets ({@code hostPath}, {@code csi}, ...), in field order. */
    public static List<String> set(PersistentVolumeSpec spec) {
        return FIELDS.stream()
                .filter(spec::hasField)
                .map(FieldDescriptor::getJsonName)
                .toList();
    }

    /** Whether {@code a} and {@code b} have the same source. */
    static boolean sameSource(PersistentVolumeSpec a, PersistentVolumeSpec b) {
        return FIELDS.stream()
                .allMatch(f -> a.hasField(f) == b.hasField(f)
                        && (!a.hasField(f) || a.getField(f).equals(b.getField(f))));
    }
}
