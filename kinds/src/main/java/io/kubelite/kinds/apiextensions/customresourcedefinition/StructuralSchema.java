package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;
import java.util.Map;

/**
 * The part of kube's structural-schema rules ({@code apiextensions-apiserver/pkg/apiserver/schema},
 * {@code validateStructuralInvariants} and {@code ValidateCustomResourceDefinitionOpenAPISchema})
 * that kubelite checks on a version's {@code openAPIV3Schema}, read as raw JSON: the root is
 * of type {@code object}; every specified property and items schema has a {@code type} unless
 * it is {@code x-kubernetes-int-or-string} or {@code x-kubernetes-preserve-unknown-fields};
 * types are OpenAPI's; {@code properties} and {@code additionalProperties} are exclusive;
 * {@code items} is one schema; {@code x-kubernetes-int-or-string} has no type; {@code uniqueItems}
 * is not true; a {@code map} list names its keys; and the value validations inside
 * {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not} carry no type, default, title, description,
 * nullable or x-kubernetes- extension (kube's {@code validateNestedValueValidation}).
 */
final class StructuralSchema {
    private static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "object", "string");

    private StructuralSchema() {}

    static void validate(Struct root, String path, FieldErrors errs) {
        Map<String, Value> f = root.getFieldsMap();
        String type = string(f.get("type"));
        if (type.isEmpty()) {
            errs.required(path + ".type", "must not be empty at the root");
        } else if (!type.equals("object")) {
            errs.invalid(path + ".type", type, "must be object at the root");
        }
        node(root, path, false, errs);
    }

    private static void node(Struct s, String path, boolean specified, FieldErrors errs) {
        Map<String, Value> f = s.getFieldsMap();
        Value typeValue = f.get("type");
        String type = string(typeValue);
        boolean intOrString = bool(f.get("x-kubernetes-int-or-string"));
        boolean preserve = bool(f.get("x-kubernetes-preserve-unknown-fields"));
        if (typeValue != null && !TYPES.contains(type)) {
            errs.notSupported(path + ".type", type, TYPES);
        }
        if (specified && type.isEmpty() && !intOrString && !preserve) {
            errs.required(path + ".type", "must not be empty for specified " + kindOfNode(path));
        }
        if (intOrString && !type.isEmpty()) {
            errs.invalid(path + ".type", type, "must be empty if x-kubernetes-int-or-string is true");
        }
        Value props = f.get("properties");
        Value additional = f.get("additionalProperties");
        if (props != null && additional != null && additional.hasStructValue()) {
            errs.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive");
        }
        if (props != null) {
            if (!props.hasStructValue()) {
                errs.invalid(path + ".properties", "", "must be an object");
            } else {
                for (Map.Entry<String, Value> e :
                        props.getStructValue().getFieldsMap().entrySet()) {
                    child(e.getValue(), path + ".properties[" + e.getKey() + "]", errs);
                }
            }
        }
        if (additional != null && additional.hasStructValue()) {
            child(additional, path + ".additionalProperties", errs);
        }
        Value items = f.get("items");
        if (items != null) {
            if (items.hasListValue()) {
                errs.forbidden(path + ".items", "items must be a schema object and not an array");
            } else {
                child(items, path + ".items", errs);
            }
        }
        if (type.equals("array") && items == null) {
            errs.required(path + ".items", "must be specified");
        }
        common(f, path, errs);
        if (string(f.get("x-kubernetes-list-type")).equals("map")) {
            Value keys = f.get("x-kubernetes-list-map-keys");
            if (keys == null || !keys.hasListValue() || keys.getListValue().getValuesCount() == 0) {
                errs.required(
                        path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map");
            }
        }
    }

    /** What every schema node, structural or inside a value validation, is checked for. */
    private static void common(Map<String, Value> f, String path, FieldErrors errs) {
        if (bool(f.get("uniqueItems"))) {
            errs.forbidden(
                    path + ".uniqueItems",
                    "uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
        }
        for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
            Value members = f.get(junctor);
            if (members != null && members.hasListValue()) {
                List<Value> list = members.getListValue().getValuesList();
                for (int i = 0; i < list.size(); i++) {
                    valueValidation(list.get(i), path + "." + junctor + "[" + i + "]", errs);
                }
            }
        }
        Value not = f.get("not");
        if (not != null) {
            valueValidation(not, path + ".not", errs);
        }
    }

    /** A schema inside allOf/anyOf/oneOf/not: values only, no structure of its own. */
    private static void valueValidation(Value v, String path, FieldErrors errs) {
        if (!v.hasStructValue()) {
            errs.invalid(path, "", "must be a schema object");
            return;
        }
        Map<String, Value> f = v.getStructValue().getFieldsMap();
        if (!string(f.get("type")).isEmpty()) {
            errs.forbidden(path + ".type", "must be empty to be structural");
        }
        if (f.containsKey("default")) {
            errs.forbidden(path + ".default", "must be undefined to be structural");
        }
        if (!string(f.get("title")).isEmpty()) {
            errs.forbidden(path + ".title", "must be empty to be structural");
        }
        if (!string(f.get("description")).isEmpty()) {
            errs.forbidden(path + ".description", "must be empty to be structural");
        }
        if (bool(f.get("nullable"))) {
            errs.forbidden(path + ".nullable", "must be false to be structural");
        }
        for (String ext : f.keySet()) {
            if (ext.startsWith("x-kubernetes-")) {
                errs.forbidden(path + "." + ext, "must be undefined to be structural");
            }
        }
        Value props = f.get("properties");
        if (props != null && props.hasStructValue()) {
            props.getStructValue()
                    .getFieldsMap()
                    .forEach((name, p) -> valueValidation(p, path + ".properties[" + name + "]", errs));
        }
        Value items = f.get("items");
        if (items != null && items.hasStructValue()) {
            valueValidation(items, path + ".items", errs);
        }
        Value additional = f.get("additionalProperties");
        if (additional != null && additional.hasStructValue()) {
            valueValidation(additional, path + ".additionalProperties", errs);
        }
        common(f, path, errs);
    }

    private static void child(Value v, String path, FieldErrors errs) {
        if (!v.hasStructValue()) {
            errs.invalid(path, "", "must be a schema object");
            return;
        }
        node(v.getStructValue(), path, true, errs);
    }

    private static String kindOfNode(String path) {
        return path.endsWith(".items") ? "array items" : "object fields";
    }

    private static String string(Value v) {
        return v != null && v.hasStringValue() ? v.getStringValue() : "";
    }

    private static boolean bool(Value v) {
        return v != null && v.hasBoolValue() && v.getBoolValue();
    }
}
