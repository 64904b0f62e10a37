package io.kubelite.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.DocumentLimits;
import io.kubelite.kinds.Resource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON encodings the API server writes: a single object ({@code kind} and
 * {@code apiVersion} first, as kube-apiserver writes them), a list item (without them,
 * as kube-apiserver's typed lists have), a list, and watch event lines.
 */
public final class Codec {
    /**
     * Writes as Jackson does; reads within {@link DocumentLimits}, since what it reads (patches,
     * DeleteOptions, Scale, a protobuf body's FieldsV1) comes from clients.
     */
    public static final ObjectMapper MAPPER = DocumentLimits.jsonMapper();

    private Codec() {}

    /** The object without apiVersion/kind: how it appears as a list item. */
    public static byte[] item(Message obj) {
        ObjectNode n = ApiJson.toTree(obj);
        n.remove("apiVersion");
        n.remove("kind");
        return bytes(n);
    }

    /** A whole object with kind and apiVersion first. */
    public static ObjectNode typedTree(Resource<?> r, Message obj) {
        ObjectNode n = ApiJson.toTree(obj);
        n.remove("apiVersion");
        n.remove("kind");
        ObjectNode out = MAPPER.createObjectNode();
        out.put("kind", r.kind());
        out.put("apiVersion", r.apiVersion());
        out.setAll(n);
        return out;
    }

    public static byte[] typed(Resource<?> r, Message obj) {
        return bytes(typedTree(r, obj));
    }

    /** Splices kind and apiVersion in front of an item encoding. */
    public static byte[] typedFromItem(Resource<?> r, byte[] item) {
        byte[] head = ("{\"kind\":\"" + r.kind() + "\",\"apiVersion\":\"" + r.apiVersion() + "\""
                        + (item.length > 2 ? "," : ""))
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + item.length - 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(item, 1, out, head.length, item.length - 1);
        return out;
    }

    /** One watch event line: {@code {"type":"ADDED","object":{...}}\n}. */
    public static byte[] eventLine(String type, byte[] typedObject) {
        byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + typedObject.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(typedObject, 0, out, head.length, typedObject.length);
        out[out.length - 2] = '}';
        out[out.length - 1] = '\n';
        return out;
    }

    public static byte[] eventLine(String type, JsonNode object) {
        return eventLine(type, bytes(object));
    }

    /**
     * A {@code <Kind>List} from already-encoded items, written into one array of its exact size:
     * a list of 10,000 pods is ~16 MB, so a growing buffer's copies and a final trim would cost
     * as much again.
     */
    public static byte[] list(Resource<?> r, long revision, String continueToken, List<byte[]> items) {
        return Bodies.array(list(r, revision, continueToken, items, Bodies.HEAP));
    }

    /**
     * The same bytes as {@link #list(Resource, long, String, List)}, in one buffer of {@code alloc}
     * of the exact size (the caller releases it). Given a direct allocator, this is the one copy of
     * the items between the cache and the socket: Netty writes a heap buffer by copying it into a
     * direct one first, so a heap array would be zeroed, filled and copied again.
     */
    public static ByteBuf list(
            Resource<?> r, long revision, String continueToken, List<byte[]> items, ByteBufAllocator alloc) {
        StringBuilder head = new StringBuilder("{\"kind\":\"")
                .append(r.kind())
                .append("List\",\"apiVersion\":\"")
                .append(r.apiVersion())
                .append("\",\"metadata\":{\"resourceVersion\":\"")
                .append(revision)
                .append('"');
        if (continueToken != null && !continueToken.isEmpty()) {
            head.append(",\"continue\":\"").append(continueToken).append('"');
        }
        head.append("},\"items\":[");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        long size = h.length + 2L + Math.max(0, items.size() - 1);
        for (byte[] item : items) {
            size += item.length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("list of " + items.size() + " items is " + size + " bytes, too large");
        }
        ByteBuf out = alloc.buffer((int) size, (int) size);
        try {
            out.writeBytes(h);
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.writeByte(',');
                }
                out.writeBytes(items.get(i));
            }
            out.writeByte(']');
            out.writeByte('}');
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** A {@code Status} with {@code status: Success}, for callers to add {@code code} or {@code details} to. */
    public static ObjectNode successStatus() {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        return s;
    }

    public static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
