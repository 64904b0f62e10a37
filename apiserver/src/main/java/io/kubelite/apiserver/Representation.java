package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Storage;

/**
 * How the objects of one stored resource are written and read at the group-version a
 * request names: as they are ({@link #of} a stored resource), or converted to and from a
 * second group-version of the same storage (a {@link Storage.ViewOf} in the registry, e.g.
 * {@code events.k8s.io/v1} Events over {@code v1} Events). The handlers work on stored
 * objects and go through this at their edges (bodies in, objects, list items and watch
 * events out), as kube-apiserver's codecs convert at the edges of one storage.
 *
 * @param <T> the stored message type
 */
public final class Representation<T extends Message> {
    private final Resource<?> served;
    private final Storage.Conversion<Message, T> conversion;

    private Representation(Resource<?> served, Storage.Conversion<Message, T> conversion) {
        this.served = served;
        this.conversion = conversion;
    }

    /** The representation of requests for {@code served}: a view's conversion, or none. */
    @SuppressWarnings("unchecked")
    static <T extends Message> Representation<T> of(Resource<?> served) {
        if (Kinds.of(served).storage() instanceof Storage.ViewOf<?, ?> v) {
            return new Representation<>(served, (Storage.Conversion<Message, T>) v.conversion());
        }
        return new Representation<>(served, null);
    }

    /** The resource the request named: its kind and apiVersion are the ones written. */
    public Resource<?> served() {
        return served;
    }

    /** Whether stored objects are written as they are (their cached encodings can be reused). */
    public boolean identity() {
        return conversion == null;
    }

    private Message out(T stored) {
        return conversion == null ? stored : conversion.fromStorage(stored);
    }

    /** One object with kind and apiVersion. */
    public byte[] typed(T stored) {
        return Codec.typed(served, out(stored));
    }

    /** One object with kind and apiVersion, reusing {@code item} (its list-item encoding) when possible. */
    public byte[] typed(T stored, byte[] item) {
        return identity() ? Codec.typedFromItem(served, item) : typed(stored);
    }

    /** A list item, reusing {@code item} when possible. */
    public byte[] item(T stored, byte[] item) {
        return identity() ? item : Codec.item(out(stored));
    }

    /** A list item. */
    public byte[] item(T stored) {
        return Codec.item(out(stored));
    }

    /** Whether the served kind has a Kubernetes protobuf form ({@link KubeProtobufEncoder#encodable}). */
    public boolean protobuf() {
        return KubeProtobufEncoder.encodable(served.prototype().getDescriptorForType());
    }

    /** A list item in Kubernetes' protobuf, reusing the cache entry's encoding when possible ({@code entry} may be null). */
    public byte[] protobufItem(T stored, WatchCache.Entry<T> entry) {
        return identity() && entry != null ? entry.protobuf() : KubeProtobufEncoder.message(out(stored));
    }

    /** One object in Kubernetes' protobuf, in its envelope naming the served apiVersion and kind. */
    public byte[] protobufTyped(T stored, WatchCache.Entry<T> entry) {
        return KubeProtobufEncoder.envelope(served.apiVersion(), served.kind(), protobufItem(stored, entry));
    }

    /** The object as a tree, the form a patch applies to. */
    public ObjectNode typedTree(T stored) {
        return Codec.typedTree(served, out(stored));
    }

    /** Decodes a request body at the served group-version, into the stored type. */
    public BodyDecoder.Decoded<T> decode(String body, FieldValidation validation) {
        return toStored(decoder().decode(body, validation));
    }

    /** Decodes a tree (a patched object) at the served group-version, into the stored type. */
    public BodyDecoder.Decoded<T> decodeTree(JsonNode tree) {
        return toStored(decoder().decodeTree(tree));
    }

    /** A patched tree of the served representation, checked as {@code validation} asks, as the stored type. */
    public BodyDecoder.Decoded<T> decodePatched(
            JsonNode tree, PatchType type, String patchText, FieldValidation validation) {
        return toStored(decoder().decodePatched(tree, type, patchText, validation));
    }

    @SuppressWarnings("unchecked")
    private BodyDecoder<Message> decoder() {
        return (BodyDecoder<Message>) BodyDecoder.of(served);
    }

    @SuppressWarnings("unchecked")
    private BodyDecoder.Decoded<T> toStored(BodyDecoder.Decoded<Message> d) {
        T obj = conversion == null ? (T) d.object() : conversion.toStorage(d.object());
        return new BodyDecoder.Decoded<>(d.typeMeta(), obj, d.warnings());
    }
}
