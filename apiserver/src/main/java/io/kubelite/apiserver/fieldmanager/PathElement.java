package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a field path, as structured-merge-diff names it: a field or map key
 * ({@code f:name}), an element of a list keyed by fields ({@code k:{"name":"nginx"}}), an
 * element of a set ({@code v:"a"}), or a position in a list ({@code i:0}). The text form is
 * the one {@code managedFields[].fieldsV1} uses; {@link #toString()} the one conflicts print
 * ({@code .name}, {@code [name="nginx"]}, {@code [=a]}, {@code [0]}).
 *
 * <p>Immutable. Ordered as kube orders the keys of a fieldsV1 object: fields, then keyed
 * elements, values, positions.
 */
public final class PathElement implements Comparable<PathElement> {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Type {
        FIELD("f:"),
        KEY("k:"),
        VALUE("v:"),
        INDEX("i:");

        final String prefix;

        Type(String prefix) {
            this.prefix = prefix;
        }
    }

    private final Type type;
    /** The serialized form after the prefix: a field name, a JSON object, a JSON value, an index. */
    private final String text;

    private PathElement(Type type, String text) {
        this.type = type;
        this.text = text;
    }

    /** A field of an object or a key of a map. */
    public static PathElement field(String name) {
        return new PathElement(Type.FIELD, name);
    }

    /** The element of an associative list whose key fields have these values. */
    public static PathElement key(Map<String, JsonNode> keys) {
        ObjectNode o = JSON.createObjectNode();
        new TreeMap<>(keys).forEach(o::set);
        return new PathElement(Type.KEY, o.toString());
    }

    /** The element of a set equal to {@code value}. */
    public static PathElement value(JsonNode value) {
        return new PathElement(Type.VALUE, value.toString());
    }

    /** The element at {@code index} of a list. */
    public static PathElement index(int index) {
        return new PathElement(Type.INDEX, Integer.toString(index));
    }

    /** Parses a fieldsV1 key ({@code f:...}, {@code k:...}, {@code v:...}, {@code i:...}). */
    public static PathElement parse(String s) {
        for (Type t : Type.values()) {
            if (s.startsWith(t.prefix)) {
                String rest = s.substring(2);
                return switch (t) {
                    case FIELD -> field(rest);
                    case KEY -> {
                        JsonNode n = readJson(s, rest);
                        if (!n.isObject()) {
                            throw new IllegalArgumentException("not a key object: " + s);
                        }
                        Map<String, JsonNode> keys = new TreeMap<>();
                        n.properties().forEach(e -> keys.put(e.getKey(), e.getValue()));
                        yield key(keys);
                    }
                    case VALUE -> value(readJson(s, rest));
                    case INDEX -> {
                        try {
                            yield index(Integer.parseInt(rest));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("not an index: " + s);
                        }
                    }
                };
            }
        }
        throw new IllegalArgumentException("unknown path element \"" + s + "\"");
    }

    private static JsonNode readJson(String whole, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON in path element \"" + whole + "\"");
        }
    }

    Type type() {
        return type;
    }

    /** The field name of a {@link Type#FIELD} element. */
    String name() {
        return text;
    }

    /** The key field values of a {@link Type#KEY} element, by name. */
    Map<String, JsonNode> keys() {
        Map<String, JsonNode> keys = new TreeMap<>();
        readJson(text, text).properties().forEach(e -> keys.put(e.getKey(), e.getValue()));
        return keys;
    }

    /** The fieldsV1 form. */
    public String fieldsV1Key() {
        return type.prefix + text;
    }

    @Override
    public String toString() {
        return switch (type) {
            case FIELD -> "." + text;
            case KEY -> {
                List<String> parts = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                readJson(text, text).properties().iterator();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    parts.add(e.getKey() + "=" + e.getValue());
                }
                yield "[" + String.join(",", parts) + "]";
            }
            case VALUE -> "[=" + text + "]";
            case INDEX -> "[" + text + "]";
        };
    }

    @Override
    public int compareTo(PathElement o) {
        int c = type.compareTo(o.type);
        return c != 0 ? c : text.compareTo(o.text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathElement p && p.type == type && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + text.hashCode();
    }
}
