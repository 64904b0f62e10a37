package io.kubelite.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ApiJsonException;
import io.kubelite.api.CustomObject;
import io.kubelite.api.Envelope;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The value format in etcd: the magic bytes {@code k8l\0}, then a protobuf
 * {@link Envelope} holding apiVersion, kind, the object's protobuf bytes and their
 * storage version. Any value can be decoded without its key; resourceVersion is never
 * stored (on read it is the key's mod_revision).
 *
 * <p>Storage version {@value #STORAGE_VERSION}: the objects' field numbers are
 * Kubernetes' own. Objects of custom resources ({@link Resource#custom()}) are stored as
 * their JSON instead, as kube stores them, with storage version {@value #JSON_STORAGE_VERSION}:
 * they are schemaless to kubelite, and JSON keeps their int64s exact. Values of an older kubelite (no storage version: its own numbering)
 * are refused with a {@link CorruptException} that says so, never decoded into garbage.
 */
public final class ObjectCodec {
    private static final byte[] MAGIC = {'k', '8', 'l', 0};

    /** The encoding of the objects this kubelite writes and reads (see the class comment). */
    public static final int STORAGE_VERSION = 2;

    /** The encoding of a custom resource's object: {@code raw} is its JSON (UTF-8). */
    public static final int JSON_STORAGE_VERSION = 100;

    private ObjectCodec() {}

    public static <T extends Message> byte[] encode(Resource<T> r, T obj) {
        T stored = r.forStorage(obj);
        if (!r.custom()) {
            return encodeProtobuf(r, stored);
        }
        byte[] env = Envelope.newBuilder()
                .setApiVersion(r.apiVersion())
                .setKind(r.kind())
                .setRaw(r.custom() ? ByteString.copyFromUtf8(ApiJson.toJson(stored)) : stored.toByteString())
                .setStorageVersion(r.custom() ? JSON_STORAGE_VERSION : STORAGE_VERSION)
                .build()
                .toByteArray();
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + env.length);
        System.arraycopy(env, 0, out, MAGIC.length, env.length);
        return out;
    }

    /**
     * The magic prefix and the {@link Envelope} of a protobuf object, written straight into
     * one array: the same bytes as building the Envelope (fields in number order, empty ones
     * left out) without copying the object's bytes into a ByteString, then the envelope into
     * an array, then that behind the prefix. Every write of every object comes through here.
     */
    private static <T extends Message> byte[] encodeProtobuf(Resource<T> r, T stored) {
        String apiVersion = r.apiVersion();
        String kind = r.kind();
        int rawSize = stored.getSerializedSize();
        int size = 0;
        if (!apiVersion.isEmpty()) {
            size += CodedOutputStream.computeStringSize(Envelope.API_VERSION_FIELD_NUMBER, apiVersion);
        }
        if (!kind.isEmpty()) {
            size += CodedOutputStream.computeStringSize(Envelope.KIND_FIELD_NUMBER, kind);
        }
        if (rawSize > 0) {
            size += CodedOutputStream.computeTagSize(Envelope.RAW_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(rawSize)
                    + rawSize;
        }
        size += CodedOutputStream.computeInt32Size(Envelope.STORAGE_VERSION_FIELD_NUMBER, STORAGE_VERSION);
        byte[] out = new byte[MAGIC.length + size];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, MAGIC.length, size);
        try {
            if (!apiVersion.isEmpty()) {
                cos.writeString(Envelope.API_VERSION_FIELD_NUMBER, apiVersion);
            }
            if (!kind.isEmpty()) {
                cos.writeString(Envelope.KIND_FIELD_NUMBER, kind);
            }
            if (rawSize > 0) {
                cos.writeTag(Envelope.RAW_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                cos.writeUInt32NoTag(rawSize);
                stored.writeTo(cos);
            }
            cos.writeInt32(Envelope.STORAGE_VERSION_FIELD_NUMBER, STORAGE_VERSION);
            cos.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            // an array of the computed size: running out of room is a bug, not an I/O problem
            throw new IllegalStateException("encoding " + kind + " overran its computed size", e);
        }
        return out;
    }

    /** True when {@code value} starts with the magic prefix. */
    public static boolean isEnvelope(byte[] value) {
        if (value.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (value[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads the envelope; {@link CorruptException} naming {@code key} when the value is not one. */
    public static Envelope envelope(String key, byte[] value) {
        if (!isEnvelope(value)) {
            throw new CorruptException(
                    key,
                    "value at " + key + " is not a kubelite object (missing magic prefix, " + value.length + " bytes)");
        }
        try {
            return Envelope.parser().parseFrom(value, MAGIC.length, value.length - MAGIC.length);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptException(key, "value at " + key + " has a damaged envelope: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a stored value as {@code r}'s type, with apiVersion, kind and
     * resourceVersion ({@code modRevision}) filled in.
     */
    public static <T extends Message> T decode(Resource<T> r, String key, byte[] value, long modRevision) {
        Envelope env = envelope(key, value);
        // a custom resource's versions share its objects: "None" conversion only rewrites apiVersion
        boolean sameVersion = r.custom()
                ? groupOf(env.getApiVersion()).equals(r.group())
                : env.getApiVersion().equals(r.apiVersion());
        if (!env.getKind().equals(r.kind()) || !sameVersion) {
            throw new CorruptException(
                    key,
                    "value at " + key + " holds " + env.getApiVersion() + "/" + env.getKind() + ", expected "
                            + r.apiVersion() + "/" + r.kind());
        }
        return fromEnvelope(r, key, env, modRevision);
    }

    /**
     * Decodes any stored value by the type its envelope names; a custom resource's object (JSON)
     * as a {@link CustomObject} with the envelope's apiVersion and kind.
     */
    public static Message decodeAny(String key, byte[] value, long modRevision) {
        Envelope env = envelope(key, value);
        if (env.getStorageVersion() == JSON_STORAGE_VERSION) {
            Resource<CustomObject> r = new Resource<>(
                    groupOf(env.getApiVersion()),
                    versionOf(env.getApiVersion()),
                    env.getKind(),
                    "",
                    false, // decoding reads the namespace from the object's metadata
                    CustomObject.getDefaultInstance(),
                    List.of());
            return fromEnvelope(r, key, env, modRevision);
        }
        Optional<Resource<? extends Message>> r = Kinds.byKind(env.getApiVersion(), env.getKind());
        if (r.isEmpty()) {
            throw new CorruptException(
                    key, "value at " + key + " holds unknown type " + env.getApiVersion() + "/" + env.getKind());
        }
        return fromEnvelope(r.get(), key, env, modRevision);
    }

    private static <T extends Message> T fromEnvelope(Resource<T> r, String key, Envelope env, long modRevision) {
        if (env.getStorageVersion() != (r.custom() ? JSON_STORAGE_VERSION : STORAGE_VERSION)) {
            throw new CorruptException(key, storageVersionProblem(key, env));
        }
        T obj;
        try {
            obj = r.custom()
                    ? ApiJson.parse(env.getRaw().toStringUtf8(), r.prototype()).message()
                    : r.parser().parseFrom(env.getRaw());
        } catch (ApiJsonException e) {
            throw new CorruptException(
                    key, "value at " + key + " is not the JSON of a " + r.kind() + ": " + e.getMessage(), e);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptException(
                    key, "value at " + key + " cannot be decoded as " + r.kind() + ": " + e.getMessage(), e);
        }
        return r.withTypeMeta(r.withResourceVersion(obj, modRevision));
    }

    private static String storageVersionProblem(String key, Envelope env) {
        if (env.getStorageVersion() == 0) {
            return "value at " + key + " (" + env.getApiVersion() + "/" + env.getKind()
                    + ") was written by an older kubelite, before its field numbers became Kubernetes' (storage version "
                    + STORAGE_VERSION
                    + "); this kubelite cannot read it: re-create the object, or start from an empty etcd";
        }
        return "value at " + key + " has storage version " + env.getStorageVersion() + ", this kubelite reads only "
                + STORAGE_VERSION + " (written by a newer kubelite?)";
    }

    private static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static String versionOf(String apiVersion) {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    static ByteString magic() {
        return ByteString.copyFrom(MAGIC);
    }
}
