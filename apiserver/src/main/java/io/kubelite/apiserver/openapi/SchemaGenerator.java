package io.kubelite.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubelite.api.ApiComments;
import io.kubelite.api.FieldSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI schemas of the API types, generated from their proto descriptors: property names
 * are the Kubernetes JSON names, descriptions the {@code .proto} comments ({@link ApiComments}),
 * and {@code required}, patch strategies, merge keys, list types and map keys the fields' options
 * ({@link FieldSchema}, the same ones strategic merge patch uses). Definitions are named as
 * Kubernetes names them ({@code io.k8s.api.core.v1.Pod}); the types that are not plain messages
 * in JSON are kube's: {@code Timestamp} is {@code meta.v1.Time} (or {@code MicroTime}), an
 * int-or-string {@code Value} is {@code intstr.IntOrString}, a quantity string is {@code
 * resource.Quantity}.
 *
 * <p>One generator renders one flavour: Swagger 2.0 ({@code $ref} beside the description) or
 * OpenAPI 3 ({@code allOf: [{$ref}]}, as kube-openapi writes it). Not thread-safe; used once at
 * start-up.
 */
final class SchemaGenerator {
    static final String TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    static final String MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    static final String FIELDS_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final boolean v3;
    private final String refPrefix;
    private final Map<String, ObjectNode> definitions = new TreeMap<>();

    /** A generator of Swagger 2.0 schemas ({@code v3} false) or OpenAPI 3 ones. */
    SchemaGenerator(boolean v3) {
        this.v3 = v3;
        this.refPrefix = v3 ? "#/components/schemas/" : "#/definitions/";
    }

    /** Kubernetes' definition name of a message: its file's Go package and its name. */
    static String name(Descriptor message) {
        String pkg = FieldSchema.k8sPackage(message.getFile());
        if (pkg.isEmpty()) {
            throw new IllegalStateException(message.getFile().getName() + " declares no (k8s_package)");
        }
        return pkg + "." + message.getName();
    }

    /** Adds {@code message} and every type it uses; returns its definition name. */
    String add(Descriptor message) {
        String name = name(message);
        if (definitions.containsKey(name)) {
            return name;
        }
        ObjectNode schema = NODES.objectNode();
        definitions.put(name, schema); // before the fields: types may refer to themselves
        putDescription(schema, ApiComments.of(message));
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        List<String> required = new ArrayList<>();
        for (FieldDescriptor f : sortedByJsonName(message)) {
            properties.set(f.getJsonName(), field(f));
            if (FieldSchema.required(f)) {
                required.add(f.getJsonName());
            }
        }
        if (!required.isEmpty()) {
            ArrayNode r = schema.putArray("required");
            required.forEach(r::add);
        }
        if (FieldSchema.atomicStruct(message)) {
            schema.put("x-kubernetes-map-type", "atomic");
        }
        return name;
    }

    /** The definition of {@code name}, e.g. to add {@code x-kubernetes-group-version-kind}. */
    ObjectNode definition(String name) {
        return definitions.get(name);
    }

    /** Adds a definition written by hand (a custom resource's schema); replaces one of the same name. */
    void put(String name, ObjectNode schema) {
        definitions.put(name, schema);
    }

    /** Every definition added so far, and kube's scalar ones they refer to, sorted by name. */
    Map<String, ObjectNode> definitions() {
        return definitions;
    }

    /** A {@code $ref} to a definition, as this flavour writes a property's reference. */
    ObjectNode ref(String name) {
        ObjectNode ref = NODES.objectNode().put("$ref", refPrefix + name);
        if (!v3) {
            return ref;
        }
        ObjectNode wrapped = NODES.objectNode();
        wrapped.putArray("allOf").add(ref);
        return wrapped;
    }

    private static List<FieldDescriptor> sortedByJsonName(Descriptor message) {
        List<FieldDescriptor> fields = new ArrayList<>(message.getFields());
        fields.sort((a, b) -> a.getJsonName().compareTo(b.getJsonName()));
        return fields;
    }

    private ObjectNode field(FieldDescriptor f) {
        ObjectNode schema;
        if (f.isMapField()) {
            schema = NODES.objectNode().put("type", "object");
            FieldDescriptor value = f.getMessageType().findFieldByName("value");
            schema.set("additionalProperties", single(value, FieldSchema.quantity(f), false));
        } else if (f.isRepeated()) {
            schema = NODES.objectNode().put("type", "array");
            schema.set("items", single(f, FieldSchema.quantity(f), FieldSchema.microTime(f)));
        } else {
            schema = single(f, FieldSchema.quantity(f), FieldSchema.microTime(f));
        }
        putDescription(schema, ApiComments.of(f));
        putPatchMetadata(schema, f);
        return schema;
    }

    private void putPatchMetadata(ObjectNode schema, FieldDescriptor f) {
        String mergeKey = FieldSchema.patchMergeKey(f);
        String strategy = FieldSchema.patchStrategy(f);
        String listType = FieldSchema.listType(f);
        List<String> mapKeys = FieldSchema.listMapKeys(f);
        if (!listType.isEmpty()) {
            schema.put("x-kubernetes-list-type", listType);
        }
        if (!mapKeys.isEmpty()) {
            ArrayNode keys = schema.putArray("x-kubernetes-list-map-keys");
            mapKeys.forEach(keys::add);
        }
        if (!mergeKey.isEmpty()) {
            schema.put("x-kubernetes-patch-merge-key", mergeKey);
        }
        if (!strategy.isEmpty()) {
            schema.put("x-kubernetes-patch-strategy", strategy);
        }
    }

    /** The schema of one value of the field (an element, for a list). */
    private ObjectNode single(FieldDescriptor f, boolean quantity, boolean microTime) {
        ObjectNode s = NODES.objectNode();
        switch (f.getJavaType()) {
            case STRING -> {
                if (quantity) {
                    return scalarRef(QUANTITY);
                }
                s.put("type", "string");
            }
            case BOOLEAN -> s.put("type", "boolean");
            case INT -> s.put("type", "integer").put("format", "int32");
            case LONG -> s.put("type", "integer").put("format", "int64");
            case FLOAT -> s.put("type", "number").put("format", "float");
            case DOUBLE -> s.put("type", "number").put("format", "double");
            case BYTE_STRING -> s.put("type", "string").put("format", "byte");
            case ENUM -> s.put("type", "string");
            case MESSAGE -> {
                return switch (f.getMessageType().getFullName()) {
                    case "google.protobuf.Timestamp" -> scalarRef(microTime ? MICRO_TIME : TIME);
                    case "google.protobuf.Value" -> scalarRef(INT_OR_STRING);
                    case "google.protobuf.Struct" -> scalarRef(FIELDS_V1);
                    default -> ref(add(f.getMessageType()));
                };
            }
            default -> throw new IllegalStateException("unhandled field type " + f.getJavaType());
        }
        return s;
    }

    /** A reference to one of kube's scalar definitions, adding it on first use. */
    private ObjectNode scalarRef(String name) {
        definitions.computeIfAbsent(name, n -> ScalarDefinitions.of(n, v3));
        return ref(name);
    }

    private static void putDescription(ObjectNode schema, String description) {
        if (!description.isEmpty()) {
            schema.put("description", description);
        }
    }
}
