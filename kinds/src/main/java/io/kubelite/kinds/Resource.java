package io.kubelite.kinds;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.kubelite.api.FieldSchema;
import io.kubelite.api.ObjectMeta;
import java.util.List;
import java.util.Objects;

/**
 * What the store knows about one kind of object: its API group, version, kind, plural
 * resource name (the etcd key segment), scope, and how to reach its {@code metadata}.
 *
 * <p>Every type here is a protobuf message with fields {@code api_version}, {@code kind}
 * and {@code metadata}; this class reaches them through the descriptor so the store stays
 * generic over types.
 */
public final class Resource<T extends Message> {
    private final String group;
    private final String version;
    private final String kind;
    private final String plural;
    private final boolean namespaced;
    private final T prototype;
    private final List<String> shortNames;
    private final FieldDescriptor metadataField;
    private final FieldDescriptor apiVersionField;
    private final FieldDescriptor kindField;
    private final FieldDescriptor specField;
    private final FieldDescriptor restField;
    private volatile Kind<T> boundKind; // set once, by the Kind built on this resource

    public Resource(
            String group,
            String version,
            String kind,
            String plural,
            boolean namespaced,
            T prototype,
            List<String> shortNames) {
        this.group = Objects.requireNonNull(group);
        this.version = Objects.requireNonNull(version);
        this.kind = Objects.requireNonNull(kind);
        this.plural = Objects.requireNonNull(plural);
        this.namespaced = namespaced;
        this.prototype = Objects.requireNonNull(prototype);
        this.shortNames = List.copyOf(shortNames);
        var d = prototype.getDescriptorForType();
        this.metadataField = required(d.findFieldByName("metadata"), "metadata");
        this.apiVersionField = required(d.findFieldByName("api_version"), "api_version");
        this.kindField = required(d.findFieldByName("kind"), "kind");
        this.specField = d.findFieldByName("spec");
        this.restField = FieldSchema.unstructuredRest(d);
    }

    private FieldDescriptor required(FieldDescriptor f, String name) {
        if (f == null) {
            throw new IllegalArgumentException(
                    prototype.getDescriptorForType().getFullName() + " has no field " + name);
        }
        return f;
    }

    public String group() {
        return group;
    }

    public String version() {
        return version;
    }

    /** {@code v1} for the core group, else {@code group/version}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String kind() {
        return kind;
    }

    public String plural() {
        return plural;
    }

    /** Called by {@link Kind.Builder#build()}: the first kind built on a resource is its kind. */
    synchronized void bind(Kind<T> k) {
        if (boundKind == null) {
            boundKind = k;
        }
    }

    /** The kind built on this resource, or null before it is built. */
    Kind<T> boundKind() {
        return boundKind;
    }

    /**
     * Whether this is a custom resource (a CRD's kind, held as a {@code CustomObject}): its
     * objects are schemaless JSON beside typed metadata, and stored as JSON.
     */
    public boolean custom() {
        return restField != null;
    }

    /**
     * The etcd key segment of this resource's objects: the plural ({@code pods}), or for a custom
     * resource {@code <group>/<plural>} as kube keys them, so a CRD's {@code events} never meets the
     * built-in ones.
     */
    public String keySegment() {
        return custom() ? group + "/" + plural : plural;
    }

    public boolean namespaced() {
        return namespaced;
    }

    public List<String> shortNames() {
        return shortNames;
    }

    public T prototype() {
        return prototype;
    }

    @SuppressWarnings("unchecked")
    public Parser<T> parser() {
        return (Parser<T>) prototype.getParserForType();
    }

    public Class<?> type() {
        return prototype.getClass();
    }

    public ObjectMeta meta(T obj) {
        return (ObjectMeta) obj.getField(metadataField);
    }

    @SuppressWarnings("unchecked")
    public T withMeta(T obj, ObjectMeta meta) {
        return (T) obj.toBuilder().setField(metadataField, meta).build();
    }

    /** {@code obj} with metadata.resourceVersion set to {@code revision} (the etcd revision of its state). */
    public T withResourceVersion(T obj, long revision) {
        return withMeta(
                obj,
                meta(obj).toBuilder()
                        .setResourceVersion(Long.toString(revision))
                        .build());
    }

    /** Sets apiVersion and kind, as every object handed to a caller carries them. */
    @SuppressWarnings("unchecked")
    public T withTypeMeta(T obj) {
        if (apiVersion().equals(obj.getField(apiVersionField)) && kind.equals(obj.getField(kindField))) {
            return obj;
        }
        return (T) obj.toBuilder()
                .setField(apiVersionField, apiVersion())
                .setField(kindField, kind)
                .build();
    }

    /** Clears apiVersion and kind (the envelope carries them) and resourceVersion (never stored). */
    @SuppressWarnings("unchecked")
    public T forStorage(T obj) {
        ObjectMeta m = meta(obj);
        if (m.getResourceVersion().isEmpty() && !obj.hasField(apiVersionField) && !obj.hasField(kindField)) {
            return obj; // nothing to clear: every write comes through here, so no copy for nothing
        }
        Message.Builder b = obj.toBuilder().clearField(apiVersionField).clearField(kindField);
        if (!m.getResourceVersion().isEmpty()) {
            b.setField(metadataField, m.toBuilder().clearResourceVersion().build());
        }
        return (T) b.build();
    }

    /**
     * The {@code spec} field's value, or null when the type has no spec; for a custom resource
     * every top-level member but status (kube bumps a custom object's generation on any change
     * outside metadata and status).
     */
    public Object spec(T obj) {
        if (restField != null) {
            return io.kubelite.kinds.apiextensions.customresourcedefinition.CustomObjects.withoutStatus(
                    (io.kubelite.api.CustomObject) obj);
        }
        return specField == null ? null : obj.getField(specField);
    }

    @Override
    public String toString() {
        return plural + "." + (group.isEmpty() ? "core" : group) + "/" + version;
    }
}
