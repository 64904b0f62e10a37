package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.FieldSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RFC 7386 JSON merge patch, RFC 6902 JSON patch, and the part of Kubernetes' strategic
 * merge patch that kubectl relies on: lists with a merge key (containers, env, ports,
 * volumes, conditions, ...) are merged element by element on that key, {@code $patch:
 * delete|replace} in an element or map, {@code $deleteFromPrimitiveList/...},
 * {@code $retainKeys} (fields of the map not named are cleared) and
 * {@code $setElementOrder/...} (the merged list follows the given order; elements only the
 * server has keep their place relative to the ones it had before, as kube's
 * normalizeElementOrder does). Other lists are replaced. Which lists merge, and on which
 * key, the API type says ({@link FieldSchema}: the same field options the OpenAPI documents
 * publish), so the patch is applied knowing the type of each level.
 */
public final class Patches {
    private Patches() {}

    /** Applies a merge patch; returns the patched document (the target may be modified). */
    public static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode t = target != null && target.isObject() ? (ObjectNode) target : Codec.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("$")) {
                throw ApiException.badRequest("strategic merge patch directive " + e.getKey() + " is not supported");
            }
            if (e.getValue().isNull()) {
                t.remove(e.getKey());
            } else {
                t.set(e.getKey(), merge(t.get(e.getKey()), e.getValue()));
            }
        }
        return t;
    }

    /**
     * Applies a strategic merge patch to an object of {@code type} (see the class comment for
     * what is supported); a null type (a field kubelite does not model) merges as a merge patch.
     */
    public static JsonNode strategicMerge(JsonNode target, JsonNode patch, Descriptor type) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        if ("replace".equals(patch.path("$patch").asText(null))) {
            ObjectNode copy = ((ObjectNode) patch).deepCopy();
            copy.remove("$patch");
            return copy;
        }
        ObjectNode t = target != null && target.isObject() ? (ObjectNode) target : Codec.MAPPER.createObjectNode();
        Map<String, List<JsonNode>> before = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (k.startsWith(SET_ELEMENT_ORDER)
                    && t.path(k.substring(SET_ELEMENT_ORDER.length())).isArray()) {
                List<JsonNode> cur = new ArrayList<>();
                t.get(k.substring(SET_ELEMENT_ORDER.length())).forEach(cur::add);
                before.put(k.substring(SET_ELEMENT_ORDER.length()), cur);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.startsWith(SET_ELEMENT_ORDER) || k.equals(RETAIN_KEYS)) {
                continue;
            }
            if (k.startsWith("$deleteFromPrimitiveList/")) {
                JsonNode cur = t.get(k.substring(k.indexOf('/') + 1));
                if (cur != null && cur.isArray() && v.isArray()) {
                    ArrayNode kept = Codec.MAPPER.createArrayNode();
                    cur.forEach(x -> {
                        boolean drop = false;
                        for (JsonNode d : v) {
                            drop |= d.equals(x);
                        }
                        if (!drop) {
                            kept.add(x);
                        }
                    });
                    t.set(k.substring(k.indexOf('/') + 1), kept);
                }
                continue;
            }
            if (k.startsWith("$")) {
                throw ApiException.badRequest("strategic merge patch directive " + k + " is not supported");
            }
            FieldDescriptor field = type == null ? null : FieldSchema.field(type, k);
            if (v.isNull()) {
                t.remove(k);
            } else if (v.isArray()
                    && field != null
                    && FieldSchema.mergesList(field)
                    && t.path(k).isArray()) {
                t.set(k, mergeList((ArrayNode) t.get(k), (ArrayNode) v, mergeKey(field), objectType(field)));
            } else if (v.isObject() && "delete".equals(v.path("$patch").asText(null))) {
                t.remove(k);
            } else {
                t.set(k, strategicMerge(t.get(k), v, objectType(field)));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith(SET_ELEMENT_ORDER)) {
                String field = e.getKey().substring(SET_ELEMENT_ORDER.length());
                if (!e.getValue().isArray()) {
                    throw ApiException.badRequest("strategic merge patch: " + e.getKey() + " must be a list");
                }
                if (t.path(field).isArray()) {
                    t.set(
                            field,
                            order(
                                    (ArrayNode) t.get(field),
                                    (ArrayNode) e.getValue(),
                                    before.getOrDefault(field, List.of()),
                                    mergeKey(type == null ? null : FieldSchema.field(type, field))));
                }
            }
        }
        if (patch.has(RETAIN_KEYS)) {
            retainKeys(t, (ObjectNode) patch);
        }
        return t;
    }

    private static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    private static final String PRIMITIVE = "*primitive";

    /** The key a list's elements are merged on; {@link #PRIMITIVE} for a list of values. */
    private static String mergeKey(FieldDescriptor field) {
        String key = field == null ? "" : FieldSchema.patchMergeKey(field);
        return key.isEmpty() ? PRIMITIVE : key;
    }

    /** The message type of a field's value (or list element); null when it is not an API object. */
    private static Descriptor objectType(FieldDescriptor field) {
        if (field == null
                || field.isMapField()
                || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
                || field.getMessageType().getFullName().startsWith("google.protobuf.")) {
            return null;
        }
        return field.getMessageType();
    }

    private static final String RETAIN_KEYS = "$retainKeys";

    /** Clears every field of {@code t} the patch's {@code $retainKeys} does not name. */
    private static void retainKeys(ObjectNode t, ObjectNode patch) {
        JsonNode keys = patch.get(RETAIN_KEYS);
        if (!keys.isArray()) {
            throw ApiException.badRequest("strategic merge patch: $retainKeys must be a list of field names");
        }
        Set<String> keep = new HashSet<>();
        keys.forEach(k -> keep.add(k.asText()));
        for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.startsWith("$") && !patch.get(k).isNull() && !keep.contains(k)) {
                throw ApiException.badRequest("strategic merge patch: field \"" + k
                        + "\" is in the patch but not in its $retainKeys list " + keys);
            }
        }
        List<String> drop = new ArrayList<>();
        t.fieldNames().forEachRemaining(k -> {
            if (!keep.contains(k)) {
                drop.add(k);
            }
        });
        t.remove(drop);
    }

    /**
     * The merged list in the order {@code $setElementOrder} gives: the elements it names in
     * its order; the others (only the server has them) where they were relative to the
     * elements the server already had.
     */
    private static ArrayNode order(ArrayNode merged, ArrayNode wanted, List<JsonNode> server, String key) {
        List<JsonNode> ids = new ArrayList<>();
        wanted.forEach(w -> ids.add(identity(w, key)));
        List<JsonNode> serverIds = server.stream().map(x -> identity(x, key)).toList();
        List<JsonNode> named = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        merged.forEach(x -> (ids.contains(identity(x, key)) ? named : others).add(x));
        named.sort(java.util.Comparator.comparingInt(x -> ids.indexOf(identity(x, key))));
        ArrayNode out = Codec.MAPPER.createArrayNode();
        int i = 0;
        int j = 0;
        while (i < named.size() || j < others.size()) {
            if (j >= others.size()) {
                out.add(named.get(i++));
            } else if (i >= named.size()) {
                out.add(others.get(j++));
            } else {
                int ni = serverIds.indexOf(identity(named.get(i), key));
                int oi = serverIds.indexOf(identity(others.get(j), key));
                // kube's mergeSortedSlice: a named element goes first only when the server had both
                // and had it first; otherwise (e.g. it is new) the server-only one does
                out.add(ni >= 0 && ni < oi ? named.get(i++) : others.get(j++));
            }
        }
        return out;
    }

    /** What identifies a list element: its merge key's value, or itself in a primitive list. */
    private static JsonNode identity(JsonNode element, String key) {
        if (key.equals(PRIMITIVE) || !element.isObject()) {
            return element;
        }
        JsonNode id = element.get(key);
        return id == null ? element : id;
    }

    private static ArrayNode mergeList(ArrayNode cur, ArrayNode patch, String key, Descriptor elementType) {
        if (key.equals(PRIMITIVE)) {
            ArrayNode out = cur.deepCopy();
            patch.forEach(x -> {
                boolean has = false;
                for (JsonNode c : out) {
                    has |= c.equals(x);
                }
                if (!has) {
                    out.add(x);
                }
            });
            return out;
        }
        ArrayNode out = cur.deepCopy();
        for (JsonNode p : patch) {
            if (p.isObject() && "replace".equals(p.path("$patch").asText(null)) && p.size() == 1) {
                out.removeAll();
                continue;
            }
            String k = key;
            JsonNode id = p.get(k);
            if (id == null) {
                throw ApiException.badRequest("strategic merge patch: an element of a list merged on \"" + k
                        + "\" has no \"" + k + "\": " + p);
            }
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (id.equals(out.get(i).get(k))) {
                    at = i;
                    break;
                }
            }
            boolean delete = "delete".equals(p.path("$patch").asText(null));
            if (delete) {
                if (at >= 0) {
                    out.remove(at);
                }
            } else if (at >= 0) {
                out.set(at, strategicMerge(out.get(at), p, elementType));
            } else {
                out.add(strategicMerge(null, p, elementType));
            }
        }
        return out;
    }

    /**
     * Most operations in one JSON patch, as kube-apiserver allows: each may copy a subtree, so
     * the count bounds the work a patch of a given size can ask for.
     */
    public static final int MAX_JSON_PATCH_OPERATIONS = 10_000;

    /**
     * Applies a JSON patch (add, remove, replace, move, copy, test). More than
     * {@link #MAX_JSON_PATCH_OPERATIONS} is kube's 413, before any is applied.
     */
    public static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw ApiException.badRequest("json patch must be an array of operations");
        }
        if (patch.size() > MAX_JSON_PATCH_OPERATIONS) {
            throw ApiException.of(
                    413,
                    "RequestEntityTooLarge",
                    "Request entity too large: The allowed maximum operations in a JSON patch is "
                            + MAX_JSON_PATCH_OPERATIONS + ", got " + patch.size());
        }
        JsonNode doc = target;
        for (JsonNode op : patch) {
            String kind = op.path("op").asText("");
            String path = op.path("path").asText(null);
            if (path == null) {
                throw ApiException.badRequest("json patch operation is missing \"path\": " + op);
            }
            switch (kind) {
                case "add" -> doc = add(doc, path, value(op));
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = add(remove(doc, path), path, value(op));
                }
                case "move" -> {
                    String from = op.path("from").asText();
                    JsonNode v = get(doc, from);
                    doc = add(remove(doc, from), path, v);
                }
                case "copy" ->
                    doc = add(doc, path, get(doc, op.path("from").asText()).deepCopy());
                case "test" -> {
                    if (!get(doc, path).equals(value(op))) {
                        throw ApiException.of(422, "Invalid", "testing value " + path + " failed");
                    }
                }
                default -> throw ApiException.badRequest("Unexpected kind: " + kind);
            }
        }
        return doc;
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw ApiException.badRequest("json patch operation is missing \"value\": " + op);
        }
        return op.get("value").deepCopy();
    }

    private static String[] tokens(String path) {
        if (path.isEmpty()) {
            return new String[0];
        }
        if (!path.startsWith("/")) {
            throw ApiException.badRequest("json patch path must start with '/': " + path);
        }
        String[] t = path.substring(1).split("/", -1);
        for (int i = 0; i < t.length; i++) {
            t[i] = t[i].replace("~1", "/").replace("~0", "~");
        }
        return t;
    }

    private static JsonNode get(JsonNode doc, String path) {
        JsonNode cur = doc;
        for (String t : tokens(path)) {
            cur = child(cur, t, path);
        }
        return cur;
    }

    private static JsonNode child(JsonNode cur, String t, String path) {
        JsonNode next;
        if (cur.isObject()) {
            next = cur.get(t);
        } else if (cur.isArray()) {
            next = cur.get(index(t, cur.size(), path));
        } else {
            next = null;
        }
        if (next == null) {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request: " + "doc is missing path: \""
                            + path + "\": missing value");
        }
        return next;
    }

    private static int index(String t, int size, String path) {
        try {
            int i = Integer.parseInt(t);
            if (i < 0 || i >= size) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request: "
                            + "array index out of bounds in \"" + path + "\"");
        }
    }

    private static JsonNode add(JsonNode doc, String path, JsonNode value) {
        String[] t = tokens(path);
        if (t.length == 0) {
            return value;
        }
        JsonNode parent = doc;
        for (int i = 0; i < t.length - 1; i++) {
            parent = child(parent, t[i], path);
        }
        String last = t[t.length - 1];
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                int i;
                try {
                    i = Integer.parseInt(last);
                } catch (NumberFormatException e) {
                    i = -1;
                }
                if (i < 0 || i > a.size()) {
                    throw ApiException.of(
                            422,
                            "Invalid",
                            "the server rejected our request due to an error in our "
                                    + "request: array index out of bounds in \"" + path + "\"");
                }
                a.insert(i, value);
            }
        } else {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request: " + "doc is missing path: \""
                            + path + "\"");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String path) {
        String[] t = tokens(path);
        if (t.length == 0) {
            return Codec.MAPPER.nullNode();
        }
        JsonNode parent = doc;
        for (int i = 0; i < t.length - 1; i++) {
            parent = child(parent, t[i], path);
        }
        String last = t[t.length - 1];
        child(parent, last, path);
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(Integer.parseInt(last));
        }
        return doc;
    }
}
