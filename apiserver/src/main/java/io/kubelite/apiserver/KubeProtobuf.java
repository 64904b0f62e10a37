package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Timestamp;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.Timestamps;
import io.kubelite.api.FieldSchema;
import io.kubelite.api.KubeFields;
import io.kubelite.api.TypeMeta;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a request body in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf},
 * what kubectl 1.32 sends for the objects it builds itself: {@code create configmap|namespace|secret|
 * service}, the {@code auth} reviews, {@code debug}'s pods) into the JSON tree the same object sent as
 * JSON would be, so that the request then goes the JSON way: same decoding, fieldValidation,
 * defaulting, validation and errors.
 *
 * <p>The wire format: the 4 bytes {@code k8s\0}, then a {@code runtime.Unknown} (typeMeta = 1
 * {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4) whose {@code raw} is
 * the object in Kubernetes' generated.proto encoding. kubelite's messages carry Kubernetes' field
 * numbers ({@link KubeFields}), so {@code raw} is walked with kubelite's own descriptors, converting
 * where Kubernetes' wire type differs from kubelite's field type:
 *
 * <ul>
 *   <li>Time and MicroTime {seconds = 1, nanos = 2} → an RFC 3339 string for a Timestamp field (an
 *       empty message is Go's zero time: left out, as JSON's {@code null}; a Time drops its nanos,
 *       as Kubernetes' Time does);
 *   <li>Quantity {string = 1} → the string, for a {@code (quantity)} field or map;
 *   <li>IntOrString {type = 1, intVal = 2, strVal = 3} → a number or a string, for a Value field;
 *   <li>FieldsV1 (and runtime.RawExtension) {Raw = 1} → the JSON object it holds, for a Struct field;
 *   <li>the fields of a Go-embedded struct ({@code (k8s_inline)}: a ConfigMapKeySelector's {@code
 *       name} inside {@code localObjectReference = 1}) → flat in the object, as JSON has them;
 *   <li>bytes → base64; map entries (key = 1, value = 2) → an object; repeated scalars packed or
 *       not.
 * </ul>
 *
 * <p>A field number kubelite does not model becomes a {@code null} member named as Kubernetes names
 * it ({@code "volumes"}; {@code "#42"} when the table does not know the number either), so the
 * JSON decoder reports it as the unknown field it is (fieldValidation Strict: 400, Warn: a Warning
 * header). Such a field holding its type's zero value is dropped silently: Kubernetes' encoder
 * writes every non-pointer field, zero or not, where its JSON encoder's {@code omitempty} leaves
 * them out, so a zero says nothing ({@code metadata.selfLink = ""} in every object kubectl sends).
 *
 * <p>Stateless and thread-safe.
 */
public final class KubeProtobuf {
    /** The media type of Kubernetes' protobuf. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Descriptor, Layout> LAYOUTS = new ConcurrentHashMap<>();

    private KubeProtobuf() {}

    /** A body that is not an object of the expected type; {@code typeMeta} is null when not even that was read. */
    public static final class Problem extends RuntimeException {
        private final transient TypeMeta typeMeta;

        Problem(TypeMeta typeMeta, String message) {
            super(message);
            this.typeMeta = typeMeta;
        }

        public TypeMeta typeMeta() {
            return typeMeta;
        }
    }

    /** True when {@code contentType} (parameters aside) is Kubernetes' protobuf. */
    public static boolean isProtobuf(String contentType) {
        return contentType != null && contentType.split(";", 2)[0].trim().equalsIgnoreCase(MEDIA_TYPE);
    }

    /**
     * The tree of {@code body}, an object of {@code type}: {@code apiVersion} and {@code kind} from
     * the envelope, then the object's fields in wire order.
     *
     * @throws Problem when the body is not Kubernetes' protobuf, is cut short, or a field's wire
     *     type does not fit kubelite's type of it
     */
    public static ObjectNode toTree(byte[] body, Descriptor type) {
        Envelope env = envelope(body);
        ObjectNode tree = NODES.objectNode();
        if (!env.typeMeta().apiVersion().isEmpty()) {
            tree.put("apiVersion", env.typeMeta().apiVersion());
        }
        if (!env.typeMeta().kind().isEmpty()) {
            tree.put("kind", env.typeMeta().kind());
        }
        try {
            readMessage(CodedInputStream.newInstance(env.raw().toByteArray()), layout(type), tree, "");
        } catch (IOException e) {
            throw new Problem(env.typeMeta(), "malformed protobuf: " + e.getMessage());
        } catch (Problem p) {
            throw new Problem(env.typeMeta(), p.getMessage());
        }
        return tree;
    }

    /** The {@code runtime.Unknown} a body holds. */
    record Envelope(TypeMeta typeMeta, ByteString raw) {}

    static Envelope envelope(byte[] body) {
        if (body.length < MAGIC.length
                || body[0] != MAGIC[0]
                || body[1] != MAGIC[1]
                || body[2] != MAGIC[2]
                || body[3] != MAGIC[3]) {
            throw new Problem(
                    null, "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }
        String apiVersion = "";
        String kind = "";
        ByteString raw = ByteString.EMPTY;
        String encoding = "";
        String contentType = "";
        try {
            CodedInputStream in = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                        CodedInputStream tm = in.readBytes().newCodedInput();
                        for (int t = tm.readTag(); t != 0; t = tm.readTag()) {
                            switch (t) {
                                case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
                                    apiVersion = tm.readStringRequireUtf8();
                                case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
                                    kind = tm.readStringRequireUtf8();
                                default -> tm.skipField(t);
                            }
                        }
                    }
                    case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> raw = in.readBytes();
                    case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> encoding = in.readStringRequireUtf8();
                    case (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> contentType = in.readStringRequireUtf8();
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new Problem(null, "malformed protobuf envelope (runtime.Unknown): " + e.getMessage());
        }
        if (!encoding.isEmpty()) {
            throw new Problem(null, "content encoding \"" + encoding + "\" is not supported");
        }
        if (!contentType.isEmpty() && !isProtobuf(contentType)) {
            throw new Problem(null, "content type \"" + contentType + "\" is not supported in a protobuf envelope");
        }
        return new Envelope(new TypeMeta(apiVersion, kind), raw);
    }

    /**
     * How Kubernetes lays out one of our messages: its fields by Kubernetes' number, and for each
     * Go-embedded struct (k8s_inline) its number and the layout of the fields inside it.
     */
    private record Layout(String kubeType, Map<Integer, FieldDescriptor> fields, Map<Integer, Layout> embedded) {}

    private static Layout layout(Descriptor type) {
        return LAYOUTS.computeIfAbsent(type, KubeProtobuf::newLayout);
    }

    private static Layout newLayout(Descriptor type) {
        String kube = FieldSchema.k8sType(type);
        Map<Integer, FieldDescriptor> fields = new HashMap<>();
        Map<String, Map<Integer, FieldDescriptor>> inline = new HashMap<>();
        for (FieldDescriptor f : type.getFields()) {
            fields.put(f.getNumber(), f); // kubelite's own numbers (inline fields ≥ 1000) never collide
            String member = FieldSchema.k8sInline(f);
            if (!member.isEmpty()) {
                KubeFields.Field outer = KubeFields.byName(kube, member);
                KubeFields.Field inner = outer == null ? null : KubeFields.byName(outer.type(), f.getJsonName());
                if (inner == null) {
                    throw new IllegalStateException(type.getFullName() + "." + f.getName() + ": no " + member + " in "
                            + kube + " (KubeFieldNumbersTest)");
                }
                inline.computeIfAbsent(member, m -> new HashMap<>()).put(inner.number(), f);
            }
        }
        Map<Integer, Layout> embedded = new HashMap<>();
        inline.forEach((member, inner) -> {
            KubeFields.Field outer = KubeFields.byName(kube, member);
            embedded.put(outer.number(), new Layout(outer.type(), inner, Map.of()));
        });
        return new Layout(kube, fields, embedded);
    }

    private static void readMessage(CodedInputStream in, Layout layout, ObjectNode out, String path)
            throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int number = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            FieldDescriptor f = layout.fields().get(number);
            Layout inner = layout.embedded().get(number);
            if (f != null) {
                readField(in, wire, f, out, path);
            } else if (inner != null && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                readMessage(in.readBytes().newCodedInput(), inner, out, path); // flat, as in JSON
            } else {
                unknown(in, tag, layout.kubeType(), out);
            }
        }
    }

    private static void readField(CodedInputStream in, int wire, FieldDescriptor f, ObjectNode out, String path)
            throws IOException {
        String name = f.getJsonName();
        String at = path.isEmpty() ? name : path + "." + name;
        if (f.isMapField()) {
            expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, at, "a map entry");
            ObjectNode map = out.get(name) instanceof ObjectNode o ? o : out.putObject(name);
            readEntry(in.readBytes().newCodedInput(), f, map, at);
        } else if (f.isRepeated()) {
            ArrayNode list = out.get(name) instanceof ArrayNode a ? a : out.putArray(name);
            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && isPackable(f)) {
                CodedInputStream packed = in.readBytes().newCodedInput();
                while (!packed.isAtEnd()) {
                    list.add(scalar(packed, f, at + "[" + list.size() + "]"));
                }
            } else {
                JsonNode v = value(in, wire, f, f, at + "[" + list.size() + "]");
                list.add(v == null ? NODES.nullNode() : v);
            }
        } else {
            JsonNode v = value(in, wire, f, f, at);
            if (v == null) {
                out.remove(name);
            } else {
                out.set(name, v);
            }
        }
    }

    /** One map entry (key = 1, value = 2; both always written by Kubernetes, defaults if not). */
    private static void readEntry(CodedInputStream in, FieldDescriptor map, ObjectNode out, String path)
            throws IOException {
        FieldDescriptor keyField = map.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = map.getMessageType().findFieldByNumber(2);
        JsonNode key = null;
        JsonNode value = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> key = value(in, WireFormat.getTagWireType(tag), keyField, keyField, path);
                case 2 -> value = value(in, WireFormat.getTagWireType(tag), valueField, map, path);
                default -> in.skipField(tag);
            }
        }
        String k = key == null ? "" : key.asText();
        if (value == null) {
            value = valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    ? zeroMessage(valueField, map)
                    : scalarDefault(valueField, map);
        }
        out.set(k, value);
    }

    /**
     * One value of field {@code f} ({@code declared} carries the options: the map field for a map's
     * value); null for a zero Time, which JSON writes as null.
     */
    private static JsonNode value(CodedInputStream in, int wire, FieldDescriptor f, FieldDescriptor declared, String at)
            throws IOException {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, at, "a message");
            return message(in.readBytes(), f, declared, at);
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.STRING && FieldSchema.quantity(declared)) {
            expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, at, "a Quantity");
            return quantity(in.readBytes(), at);
        }
        expect(wire, wireType(f), at, "a " + f.getType().name().toLowerCase());
        return scalar(in, f, at);
    }

    private static JsonNode message(ByteString bytes, FieldDescriptor f, FieldDescriptor declared, String at)
            throws IOException {
        switch (f.getMessageType().getFullName()) {
            case "google.protobuf.Timestamp":
                return time(bytes, FieldSchema.microTime(declared), at);
            case "google.protobuf.Value":
                return intOrString(bytes);
            case "google.protobuf.Struct":
                return fieldsV1(bytes, at);
            default:
                if (f.getMessageType().getFullName().startsWith("google.protobuf.")) {
                    throw new Problem(null, at + ": " + f.getMessageType().getFullName() + " has no Kubernetes form");
                }
                if (FieldSchema.k8sType(f.getMessageType()).isEmpty()) {
                    // kubelite's own stand-in for a Kubernetes type (a CRD version's schema, kept as raw
                    // JSON): its Kubernetes protobuf is not read; the client may send JSON instead
                    throw new Problem(
                            null,
                            at + ": kubelite reads " + f.getMessageType().getName()
                                    + " only as JSON, not as Kubernetes' protobuf");
                }
                ObjectNode o = NODES.objectNode();
                readMessage(bytes.newCodedInput(), layout(f.getMessageType()), o, at);
                return o;
        }
    }

    /** metav1.Time / MicroTime: {seconds = 1, nanos = 2}; empty is Go's zero time (JSON null). */
    private static JsonNode time(ByteString bytes, boolean micro, String at) throws IOException {
        if (bytes.isEmpty()) {
            return null;
        }
        long seconds = 0;
        int nanos = 0;
        CodedInputStream in = bytes.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case (1 << 3) | WireFormat.WIRETYPE_VARINT -> seconds = in.readInt64();
                case (2 << 3) | WireFormat.WIRETYPE_VARINT -> nanos = in.readInt32();
                default -> in.skipField(tag);
            }
        }
        // Kubernetes' Time keeps whole seconds (its Unmarshal drops nanos); MicroTime keeps microseconds
        Timestamp t = Timestamp.newBuilder()
                .setSeconds(seconds)
                .setNanos(micro ? nanos / 1000 * 1000 : 0)
                .build();
        try {
            return NODES.textNode(Timestamps.toString(t));
        } catch (IllegalArgumentException e) {
            throw new Problem(null, at + ": time out of range: " + seconds + "s " + nanos + "ns");
        }
    }

    /** intstr.IntOrString: {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}. */
    private static JsonNode intOrString(ByteString bytes) throws IOException {
        long type = 0;
        int intVal = 0;
        String strVal = "";
        CodedInputStream in = bytes.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case (1 << 3) | WireFormat.WIRETYPE_VARINT -> type = in.readInt64();
                case (2 << 3) | WireFormat.WIRETYPE_VARINT -> intVal = in.readInt32();
                case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> strVal = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return type == 1 ? NODES.textNode(strVal) : NODES.numberNode(intVal);
    }

    /** resource.Quantity: {string = 1}; an empty message is the zero quantity, "0". */
    private static JsonNode quantity(ByteString bytes, String at) throws IOException {
        String s = "0";
        CodedInputStream in = bytes.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                s = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
            }
        }
        return NODES.textNode(s);
    }

    /** metav1.FieldsV1: {Raw = 1}, the JSON of the field set. */
    private static JsonNode fieldsV1(ByteString bytes, String at) throws IOException {
        ByteString raw = ByteString.EMPTY;
        CodedInputStream in = bytes.newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                raw = in.readBytes();
            } else {
                in.skipField(tag);
            }
        }
        if (raw.isEmpty()) {
            return NODES.objectNode();
        }
        try {
            return Codec.MAPPER.readTree(raw.toByteArray());
        } catch (IOException e) {
            throw new Problem(null, at + ": FieldsV1 does not hold JSON: " + e.getMessage());
        }
    }

    private static JsonNode scalar(CodedInputStream in, FieldDescriptor f, String at) throws IOException {
        return switch (f.getType()) {
            case STRING -> NODES.textNode(in.readStringRequireUtf8());
            case BYTES -> NODES.textNode(Base64.getEncoder().encodeToString(in.readByteArray()));
            case BOOL -> NODES.booleanNode(in.readBool());
            case INT32 -> NODES.numberNode(in.readInt32());
            case SINT32 -> NODES.numberNode(in.readSInt32());
            case SFIXED32 -> NODES.numberNode(in.readSFixed32());
            case UINT32 -> NODES.numberNode(Integer.toUnsignedLong(in.readUInt32()));
            case FIXED32 -> NODES.numberNode(Integer.toUnsignedLong(in.readFixed32()));
            case INT64 -> NODES.numberNode(in.readInt64());
            case SINT64 -> NODES.numberNode(in.readSInt64());
            case SFIXED64 -> NODES.numberNode(in.readSFixed64());
            case UINT64 -> NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString(in.readUInt64())));
            case FIXED64 -> NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString(in.readFixed64())));
            case FLOAT -> NODES.numberNode(in.readFloat());
            case DOUBLE -> NODES.numberNode(in.readDouble());
            case ENUM -> {
                int n = in.readEnum();
                EnumValueDescriptor e = f.getEnumType().findValueByNumber(n);
                yield e == null ? NODES.numberNode(n) : NODES.textNode(e.getName());
            }
            default -> throw new Problem(null, at + ": cannot read a " + f.getType());
        };
    }

    private static JsonNode scalarDefault(FieldDescriptor f, FieldDescriptor declared) {
        if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
            return NODES.textNode(FieldSchema.quantity(declared) ? "0" : "");
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
            return NODES.textNode("");
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
            return NODES.booleanNode(false);
        }
        return NODES.numberNode(0);
    }

    private static JsonNode zeroMessage(FieldDescriptor f, FieldDescriptor declared) throws IOException {
        JsonNode v = message(ByteString.EMPTY, f, declared, "");
        return v == null ? NODES.nullNode() : v;
    }

    /** A field kubelite does not model: a null member named as Kubernetes names it, unless its value is zero. */
    private static void unknown(CodedInputStream in, int tag, String kubeType, ObjectNode out) throws IOException {
        int number = WireFormat.getTagFieldNumber(tag);
        boolean zero = switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64() == 0;
            case WireFormat.WIRETYPE_FIXED64 -> in.readRawLittleEndian64() == 0;
            case WireFormat.WIRETYPE_FIXED32 -> in.readRawLittleEndian32() == 0;
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.readBytes().isEmpty();
            default ->
                throw new Problem(
                        null,
                        "field " + number + " of " + kubeType + ": wire type " + WireFormat.getTagWireType(tag)
                                + " (groups) is not Kubernetes'");
        };
        if (zero) {
            return;
        }
        KubeFields.Field known = KubeFields.byNumber(kubeType, number);
        String name = known != null ? known.jsonName() : "#" + number;
        if (!out.has(name)) {
            out.putNull(name);
        }
    }

    private static boolean isPackable(FieldDescriptor f) {
        return f.getJavaType() != FieldDescriptor.JavaType.STRING
                && f.getJavaType() != FieldDescriptor.JavaType.BYTE_STRING
                && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE;
    }

    private static int wireType(FieldDescriptor f) {
        return switch (f.getType()) {
            case DOUBLE, FIXED64, SFIXED64 -> WireFormat.WIRETYPE_FIXED64;
            case FLOAT, FIXED32, SFIXED32 -> WireFormat.WIRETYPE_FIXED32;
            case STRING, BYTES, MESSAGE, GROUP -> WireFormat.WIRETYPE_LENGTH_DELIMITED;
            default -> WireFormat.WIRETYPE_VARINT;
        };
    }

    private static void expect(int wire, int expected, String at, String what) {
        if (wire != expected) {
            throw new Problem(
                    null, at + ": wire type " + wire + " where " + what + " (wire type " + expected + ") belongs");
        }
    }
}
