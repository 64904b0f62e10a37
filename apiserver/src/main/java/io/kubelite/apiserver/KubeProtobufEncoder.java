package io.kubelite.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.kubelite.api.ApiJson;
import io.kubelite.api.FieldSchema;
import io.kubelite.api.KubeFields;
import io.kubelite.kinds.Resource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes kubelite's objects in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}),
 * the reverse of {@link KubeProtobuf}'s reading: the bytes a Kubernetes client decodes into the same
 * object it would get from the JSON form.
 *
 * <p>kubelite's messages carry Kubernetes' field numbers ({@link KubeFields}), so a field is written
 * under its own number, converted where Kubernetes' wire type differs: a Timestamp as metav1.Time
 * {seconds = 1} (Time keeps whole seconds) or MicroTime {seconds = 1, nanos = 2}; a {@code (quantity)}
 * string as resource.Quantity {string = 1}; a Value as intstr.IntOrString {type = 1, intVal = 2,
 * strVal = 3}; a Struct as FieldsV1 / runtime.RawExtension {raw = 1} holding its JSON; the fields of
 * a Go-embedded struct ({@code (k8s_inline)}) inside the embedded message. kubelite's own fields
 * (numbered from 1000, not in Kubernetes' type) are left out, as a Kubernetes client has no field to
 * put them in. Fields are written in number order, repeated scalars unpacked, as Kubernetes'
 * generated marshallers write them.
 *
 * <p>Only kinds whose every reachable message models a Kubernetes type are {@link #encodable}
 * (custom resources and the CRD, whose schemas kubelite keeps as JSON, are not: kube-apiserver
 * serves them as JSON only too).
 *
 * <p>Stateless and thread-safe.
 */
public final class KubeProtobufEncoder {
    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final Map<Descriptor, List<Slot>> LAYOUTS = new ConcurrentHashMap<>();
    private static final Map<Descriptor, Boolean> ENCODABLE = new ConcurrentHashMap<>();
    private static final Map<Descriptor, Boolean> AS_IS = new ConcurrentHashMap<>();

    private KubeProtobufEncoder() {}

    /** Whether objects of {@code type} have a Kubernetes protobuf form this encoder writes. */
    public static boolean encodable(Descriptor type) {
        Boolean known = ENCODABLE.get(type);
        if (known == null) {
            known = encodable(type, new HashSet<>());
            ENCODABLE.put(type, known);
        }
        return known;
    }

    private static boolean encodable(Descriptor type, Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return true;
        }
        if (FieldSchema.k8sType(type).isEmpty()) {
            return false;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (FieldSchema.unstructuredRest(f)) {
                return false;
            }
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            FieldDescriptor value = f.isMapField() ? f.getMessageType().findFieldByNumber(2) : f;
            if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            Descriptor inner = value.getMessageType();
            switch (inner.getFullName()) {
                case "google.protobuf.Timestamp", "google.protobuf.Value", "google.protobuf.Struct" -> {}
                default -> {
                    if (inner.getFullName().startsWith("google.protobuf.") || !encodable(inner, seen)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** One object with its envelope: {@code k8s\0} and a runtime.Unknown naming its apiVersion and kind. */
    public static byte[] object(Resource<?> served, Message obj) {
        return envelope(served.apiVersion(), served.kind(), message(obj));
    }

    /** A {@code <Kind>List} of already-encoded items ({@link #message}) in its envelope. */
    public static byte[] list(Resource<?> served, long revision, String continueToken, List<byte[]> items) {
        return Bodies.array(list(served, revision, continueToken, items, Bodies.HEAP));
    }

    /**
     * The same bytes as {@link #list(Resource, long, String, List)}, in one buffer of {@code alloc}
     * of the exact size (the caller releases it): given a direct allocator, the items' one copy
     * between the cache and the socket.
     */
    public static ByteBuf list(
            Resource<?> served, long revision, String continueToken, List<byte[]> items, ByteBufAllocator alloc) {
        try {
            // ListMeta: resourceVersion = 2, continue = 3
            ByteArrayOutputStream meta = new ByteArrayOutputStream();
            CodedOutputStream m = encoder(meta);
            m.writeString(2, Long.toString(revision));
            if (continueToken != null && !continueToken.isEmpty()) {
                m.writeString(3, continueToken);
            }
            m.flush();
            byte[] metaBytes = meta.toByteArray();
            long size = CodedOutputStream.computeByteArraySize(1, metaBytes);
            for (byte[] item : items) {
                size += CodedOutputStream.computeByteArraySize(2, item);
            }
            if (size > Integer.MAX_VALUE - 1024) {
                throw new IllegalStateException("list of " + items.size() + " items is " + size + " bytes, too large");
            }
            // the list's raw bytes are written straight into the envelope: one array of the exact size
            String apiVersion = served.apiVersion();
            String kind = served.kind() + "List";
            byte[] typeMeta = typeMeta(apiVersion, kind);
            int total = MAGIC.length
                    + CodedOutputStream.computeByteArraySize(1, typeMeta)
                    + CodedOutputStream.computeTagSize(2)
                    + CodedOutputStream.computeUInt32SizeNoTag((int) size)
                    + (int) size
                    + CodedOutputStream.computeStringSize(3, "")
                    + CodedOutputStream.computeStringSize(4, "");
            ByteBuf out = alloc.buffer(total, total);
            boolean done = false;
            try {
                out.writeBytes(MAGIC);
                // protobuf writes a direct ByteBuffer with its unsafe writer, a heap one into its array
                CodedOutputStream o = CodedOutputStream.newInstance(out.nioBuffer(MAGIC.length, total - MAGIC.length));
                writeList(o, typeMeta, (int) size, metaBytes, items);
                out.writerIndex(total);
                done = true;
                return out;
            } finally {
                if (!done) {
                    out.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeList(CodedOutputStream o, byte[] typeMeta, int size, byte[] metaBytes, List<byte[]> items)
            throws IOException {
        o.writeByteArray(1, typeMeta);
        o.writeTag(2, 2);
        o.writeUInt32NoTag(size);
        o.writeByteArray(1, metaBytes);
        for (byte[] item : items) {
            o.writeByteArray(2, item);
        }
        o.writeString(3, "");
        o.writeString(4, "");
        o.flush();
        o.checkNoSpaceLeft();
    }

    /** {@code raw} in its envelope: a runtime.Unknown {typeMeta = 1, raw = 2, contentEncoding = 3, contentType = 4}. */
    static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(raw.length + 64);
            buf.write(MAGIC);
            CodedOutputStream o = encoder(buf);
            o.writeByteArray(1, typeMeta(apiVersion, kind));
            o.writeByteArray(2, raw);
            // Kubernetes writes its non-pointer strings even when empty
            o.writeString(3, "");
            o.writeString(4, "");
            o.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An encoder over {@code out} with a small buffer: one is made per nested message, and the
     * default 4 KiB buffer each made the encoding of a pod cost more than its JSON's.
     */
    private static CodedOutputStream encoder(ByteArrayOutputStream out) {
        return CodedOutputStream.newInstance(out, 256);
    }

    private static byte[] typeMeta(String apiVersion, String kind) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream o = encoder(buf);
        o.writeString(1, apiVersion);
        o.writeString(2, kind);
        o.flush();
        return buf.toByteArray();
    }

    /** The object's own bytes in Kubernetes' encoding, without envelope or TypeMeta (a list item). */
    public static byte[] message(Message obj) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
            CodedOutputStream o = encoder(buf);
            writeMessage(o, obj);
            o.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a field goes: a field of the message under its number, or a Go-embedded struct (the
     * fields of the message that belong to it).
     */
    private record Slot(int number, FieldDescriptor field, List<FieldDescriptor> embedded) {}

    private static List<Slot> layout(Descriptor type) {
        return LAYOUTS.computeIfAbsent(type, KubeProtobufEncoder::newLayout);
    }

    private static List<Slot> newLayout(Descriptor type) {
        String kube = FieldSchema.k8sType(type);
        List<Slot> slots = new ArrayList<>();
        Map<String, List<FieldDescriptor>> inline = new LinkedHashMap<>();
        for (FieldDescriptor f : type.getFields()) {
            String member = FieldSchema.k8sInline(f);
            if (!member.isEmpty()) {
                inline.computeIfAbsent(member, k -> new ArrayList<>()).add(f);
            } else if (KubeFields.byName(kube, f.getJsonName()) != null) {
                slots.add(new Slot(f.getNumber(), f, List.of()));
            }
            // else: kubelite's own field (numbered from 1000), which Kubernetes' type lacks
        }
        inline.forEach((member, fields) -> {
            KubeFields.Field outer = KubeFields.byName(kube, member);
            String innerType = outer.type();
            // inside the embedded struct each field goes under Kubernetes' number for it there
            List<FieldDescriptor> sorted = new ArrayList<>(fields);
            sorted.sort(Comparator.comparingInt(
                    f -> KubeFields.byName(innerType, f.getJsonName()).number()));
            slots.add(new Slot(outer.number(), null, sorted));
        });
        slots.sort(Comparator.comparingInt(Slot::number));
        return List.copyOf(slots);
    }

    private static void writeMessage(CodedOutputStream o, Message msg) throws IOException {
        String kube = FieldSchema.k8sType(msg.getDescriptorForType());
        for (Slot s : layout(msg.getDescriptorForType())) {
            if (s.field() != null) {
                writeField(o, s.number(), s.field(), msg);
            } else {
                KubeFields.Field outer = KubeFields.byNumber(kube, s.number());
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                CodedOutputStream inner = encoder(buf);
                boolean any = false;
                for (FieldDescriptor f : s.embedded()) {
                    if (present(msg, f)) {
                        any = true;
                        writeField(
                                inner,
                                KubeFields.byName(outer.type(), f.getJsonName()).number(),
                                f,
                                msg);
                    }
                }
                inner.flush();
                if (any) {
                    o.writeByteArray(s.number(), buf.toByteArray());
                }
            }
        }
    }

    private static boolean present(Message msg, FieldDescriptor f) {
        return f.isRepeated() ? msg.getRepeatedFieldCount(f) > 0 : msg.hasField(f);
    }

    private static void writeField(CodedOutputStream o, int number, FieldDescriptor f, Message msg) throws IOException {
        if (!present(msg, f)) {
            return;
        }
        if (f.isMapField()) {
            FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
            FieldDescriptor value = f.getMessageType().findFieldByNumber(2);
            // sorted by key, as Kubernetes' marshallers write maps
            Map<String, Message> entries = new TreeMap<>();
            for (int i = 0; i < msg.getRepeatedFieldCount(f); i++) {
                Message e = (Message) msg.getRepeatedField(f, i);
                entries.put(String.valueOf(e.getField(key)), e);
            }
            for (Message e : entries.values()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                CodedOutputStream entry = encoder(buf);
                writeValue(entry, 1, key, key, e.getField(key));
                writeValue(entry, 2, value, f, e.getField(value));
                entry.flush();
                o.writeByteArray(number, buf.toByteArray());
            }
        } else if (f.isRepeated()) {
            for (int i = 0; i < msg.getRepeatedFieldCount(f); i++) {
                writeValue(o, number, f, f, msg.getRepeatedField(f, i));
            }
        } else {
            writeValue(o, number, f, f, msg.getField(f));
        }
    }

    /** One value of field {@code f}; {@code declared} carries the options (the map field for a map's value). */
    private static void writeValue(
            CodedOutputStream o, int number, FieldDescriptor f, FieldDescriptor declared, Object v) throws IOException {
        switch (f.getType()) {
            case MESSAGE, GROUP -> {
                Message m = (Message) v;
                if (asIs(m.getDescriptorForType())) {
                    o.writeBytes(number, m.toByteString());
                } else {
                    o.writeByteArray(number, messageValue(m, declared));
                }
            }
            case STRING -> {
                if (FieldSchema.quantity(declared)) {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    CodedOutputStream q = encoder(buf);
                    q.writeString(1, (String) v);
                    q.flush();
                    o.writeByteArray(number, buf.toByteArray());
                } else {
                    o.writeString(number, (String) v);
                }
            }
            case BOOL -> o.writeBool(number, (Boolean) v);
            case INT32 -> o.writeInt32(number, (Integer) v);
            case SINT32 -> o.writeSInt32(number, (Integer) v);
            case SFIXED32 -> o.writeSFixed32(number, (Integer) v);
            case UINT32 -> o.writeUInt32(number, (Integer) v);
            case FIXED32 -> o.writeFixed32(number, (Integer) v);
            case INT64 -> o.writeInt64(number, (Long) v);
            case SINT64 -> o.writeSInt64(number, (Long) v);
            case SFIXED64 -> o.writeSFixed64(number, (Long) v);
            case UINT64 -> o.writeUInt64(number, (Long) v);
            case FIXED64 -> o.writeFixed64(number, (Long) v);
            case FLOAT -> o.writeFloat(number, (Float) v);
            case DOUBLE -> o.writeDouble(number, (Double) v);
            case BYTES -> o.writeBytes(number, (ByteString) v);
            default -> throw new IllegalStateException(f.getFullName() + ": no Kubernetes form for " + f.getType());
        }
    }

    /**
     * Whether kubelite's own encoding of {@code type} is Kubernetes' byte for byte as a client reads
     * it: every field is Kubernetes' under the same number and wire type (no Time, Quantity,
     * IntOrString, FieldsV1, embedded struct or kubelite-only field anywhere below), so the generated
     * serializer writes it (repeated scalars packed, which Kubernetes' decoders read as well).
     */
    private static boolean asIs(Descriptor type) {
        Boolean known = AS_IS.get(type);
        if (known == null) {
            known = asIs(type, new HashSet<>());
            AS_IS.put(type, known);
        }
        return known;
    }

    private static boolean asIs(Descriptor type, Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return true;
        }
        String kube = FieldSchema.k8sType(type);
        if (kube.isEmpty() || type.getFullName().startsWith("google.protobuf.")) {
            return false;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (!FieldSchema.k8sInline(f).isEmpty()
                    || FieldSchema.unstructuredRest(f)
                    || FieldSchema.quantity(f)
                    || KubeFields.byName(kube, f.getJsonName()) == null) {
                return false;
            }
            FieldDescriptor value = f.isMapField() ? f.getMessageType().findFieldByNumber(2) : f;
            if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !asIs(value.getMessageType(), seen)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] messageValue(Message m, FieldDescriptor declared) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream o = encoder(buf);
        switch (m.getDescriptorForType().getFullName()) {
            case "google.protobuf.Timestamp" -> {
                Timestamp t = (Timestamp) m;
                // metav1.Time marshals whole seconds; MicroTime keeps microseconds
                o.writeInt64(1, t.getSeconds());
                if (FieldSchema.microTime(declared) && t.getNanos() / 1000 != 0) {
                    o.writeInt32(2, t.getNanos() / 1000 * 1000);
                }
            }
            case "google.protobuf.Value" -> {
                Value v = (Value) m;
                boolean string = v.getKindCase() == Value.KindCase.STRING_VALUE;
                o.writeInt64(1, string ? 1 : 0);
                o.writeInt32(2, string ? 0 : (int) v.getNumberValue());
                o.writeString(3, string ? v.getStringValue() : "");
            }
            case "google.protobuf.Struct" -> o.writeByteArray(1, json((Struct) m));
            default -> writeMessage(o, m);
        }
        o.flush();
        return buf.toByteArray();
    }

    /** The JSON a FieldsV1 or RawExtension holds: as the object's JSON form writes the Struct. */
    private static byte[] json(Struct s) {
        try {
            return Codec.MAPPER.writeValueAsString(ApiJson.structTree(s)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
