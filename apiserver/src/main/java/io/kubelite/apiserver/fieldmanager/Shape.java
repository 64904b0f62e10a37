package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.FieldSchema;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What server-side apply needs to know of a value's type, read from the API types' proto
 * descriptors and field options ({@link FieldSchema}), as structured-merge-diff reads it from
 * the OpenAPI schema: an object with named fields (granular, or atomic for
 * {@code +structType=atomic}), a map of values, a list (associative on key fields or on its
 * values, else atomic), a scalar, or untyped data (deduced from the JSON).
 */
sealed interface Shape {
    /** An object of an API type. */
    record Struct(Descriptor type) implements Shape {
        boolean atomic() {
            return FieldSchema.atomicStruct(type);
        }

        /**
         * The shape of the field named {@code name} in JSON, or null when the type has none; a
         * custom object's members beyond metadata are untyped (kube's deduced type: objects
         * granular, lists atomic).
         */
        Shape field(String name) {
            FieldDescriptor f = FieldSchema.field(type, name);
            if (f != null && !FieldSchema.unstructuredRest(f)) {
                return Shape.of(f);
            }
            return FieldSchema.unstructuredRest(type) != null ? UNTYPED : null;
        }
    }

    /** A map from string keys to values of one shape. */
    record MapOf(Shape values) implements Shape {}

    /**
     * A list. {@code keys} are the fields that identify an element of a list of objects
     * (kube's {@code listType=map}); {@code set} marks a list whose values identify its
     * elements ({@code listType=set}); neither: atomic, owned and replaced as a whole.
     */
    record ListOf(Shape elements, List<String> keys, Map<String, String> keyDefaults, boolean set) implements Shape {
        boolean associative() {
            return set || !keys.isEmpty();
        }

        /** The element's identity, or null when it lacks a key field that has no default. */
        PathElement identify(JsonNode element, int index) {
            if (set) {
                return PathElement.value(element);
            }
            if (keys.isEmpty()) {
                return PathElement.index(index);
            }
            if (!element.isObject()) {
                return null;
            }
            Map<String, JsonNode> id = new TreeMap<>();
            for (String k : keys) {
                JsonNode v = element.get(k);
                if (v == null || v.isNull()) {
                    String d = keyDefaults.get(k);
                    if (d == null) {
                        return null;
                    }
                    v = TextNode.valueOf(d);
                }
                id.put(k, v);
            }
            return PathElement.key(id);
        }
    }

    /** A string, number, boolean, timestamp, IntOrString. */
    record Scalar() implements Shape {}

    /** Data without a schema: objects are maps, lists are atomic. */
    record Untyped() implements Shape {}

    Shape SCALAR = new Scalar();
    Shape UNTYPED = new Untyped();

    /** The shape of an object of {@code type}. */
    static Shape of(Descriptor type) {
        return new Struct(type);
    }

    /** The shape of a field's value. */
    static Shape of(FieldDescriptor f) {
        if (f.isMapField()) {
            return new MapOf(single(f.getMessageType().findFieldByName("value")));
        }
        if (!f.isRepeated()) {
            return single(f);
        }
        Shape element = single(f);
        String listType = FieldSchema.listType(f);
        List<String> keys = FieldSchema.listMapKeys(f);
        boolean set = false;
        if (listType.isEmpty() && FieldSchema.mergesList(f)) {
            String mergeKey = FieldSchema.patchMergeKey(f);
            keys = mergeKey.isEmpty() ? List.of() : List.of(mergeKey);
            set = mergeKey.isEmpty();
        } else if (!listType.equals("map")) {
            keys = List.of();
            set = listType.equals("set");
        }
        Map<String, String> defaults = new TreeMap<>();
        if (!keys.isEmpty() && element instanceof Struct s) {
            for (String k : keys) {
                FieldDescriptor kf = FieldSchema.field(s.type(), k);
                if (kf != null && !FieldSchema.defaultString(kf).isEmpty()) {
                    defaults.put(k, FieldSchema.defaultString(kf));
                }
            }
        }
        return new ListOf(element, keys, defaults, set);
    }

    private static Shape single(FieldDescriptor f) {
        if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return SCALAR;
        }
        String name = f.getMessageType().getFullName();
        if (name.equals("google.protobuf.Struct")) {
            return UNTYPED;
        }
        if (name.startsWith("google.protobuf.")) {
            return SCALAR;
        }
        return new Struct(f.getMessageType());
    }
}
