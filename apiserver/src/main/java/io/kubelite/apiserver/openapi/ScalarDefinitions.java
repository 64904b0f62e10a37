package io.kubelite.apiserver.openapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' definitions of the types that are scalars in JSON, as kube-apiserver publishes
 * them: Time and MicroTime are date-time strings; IntOrString is {@code format: int-or-string}
 * (a string in Swagger 2.0, {@code oneOf} integer and string in OpenAPI 3); Quantity is a
 * string (or, in OpenAPI 3, a string or a number); FieldsV1 is an object of no declared shape.
 */
final class ScalarDefinitions {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScalarDefinitions() {}

    static ObjectNode of(String name, boolean v3) {
        ObjectNode s = NODES.objectNode();
        switch (name) {
            case SchemaGenerator.TIME ->
                s.put(
                                "description",
                                "Time is a wrapper around time.Time which supports correct marshaling to YAML and"
                                        + " JSON. Wrappers are provided for many of the factory methods that the time"
                                        + " package offers.")
                        .put("type", "string")
                        .put("format", "date-time");
            case SchemaGenerator.MICRO_TIME ->
                s.put("description", "MicroTime is version of Time with microsecond level precision.")
                        .put("type", "string")
                        .put("format", "date-time");
            case SchemaGenerator.INT_OR_STRING -> {
                s.put(
                        "description",
                        "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML"
                                + " marshalling and unmarshalling, it produces or consumes the inner type.  This"
                                + " allows you to have, for example, a JSON field that can accept a name or number.");
                s.put("format", "int-or-string");
                if (v3) {
                    s.putArray("oneOf").add(type("integer")).add(type("string"));
                } else {
                    s.put("type", "string");
                }
            }
            case SchemaGenerator.QUANTITY -> {
                s.put(
                        "description",
                        "Quantity is a fixed-point representation of a number: a decimal or binary"
                                + " SI-suffixed string such as \"500m\", \"1.5\", \"128974848\", \"129e6\" or"
                                + " \"123Mi\".");
                if (v3) {
                    s.putArray("oneOf").add(type("string")).add(type("number"));
                } else {
                    s.put("type", "string");
                }
            }
            case SchemaGenerator.FIELDS_V1 ->
                s.put(
                                "description",
                                "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\n"
                                        + "Each key is either a '.' representing the field itself, and will always map to"
                                        + " an empty set, or a string representing a sub-field or item. The string will"
                                        + " follow one of these four formats: 'f:<name>', where <name> is the name of a"
                                        + " field in a struct, or key in a map 'v:<value>', where <value> is the exact"
                                        + " json formatted value of a list item 'i:<index>', where <index> is position of"
                                        + " a item in a list 'k:<keys>', where <keys> is a map of  a list item's key"
                                        + " fields to their unique values If a key maps to an empty Fields value, the"
                                        + " field that key represents is part of the set.\n\nThe exact format is defined"
                                        + " in sigs.k8s.io/structured-merge-diff")
                        .put("type", "object");
            default -> throw new IllegalArgumentException("not a scalar definition: " + name);
        }
        return s;
    }

    private static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }
}
