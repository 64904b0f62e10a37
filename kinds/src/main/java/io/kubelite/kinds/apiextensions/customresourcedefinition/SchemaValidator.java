package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A custom object checked, pruned and defaulted against its CRD version's structural schema, as
 * kube's {@code apiextensions-apiserver/pkg/apiserver/schema} {@code pruning}, {@code defaulting}
 * and {@code validation} (the OpenAPI validator's messages: {@code spec.replicas in body must be
 * of type integer: "string"}). Checked: type (with {@code nullable},
 * {@code x-kubernetes-int-or-string}), required, enum, pattern, format ({@link SchemaFormats}),
 * minimum/maximum (and exclusive), multipleOf, minLength/maxLength, minItems/maxItems,
 * minProperties/maxProperties, properties, additionalProperties, items, the value validations
 * allOf/anyOf/oneOf/not, and the uniqueness of {@code x-kubernetes-list-type} {@code set} items
 * and {@code map} keys; pruning keeps what {@code x-kubernetes-preserve-unknown-fields} preserves
 * and {@code metadata}, {@code apiVersion} and {@code kind} at the root and in
 * {@code x-kubernetes-embedded-resource}s. Not yet: CEL rules ({@code x-kubernetes-validations}).
 */
public final class SchemaValidator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final JsonNode schema;

    public SchemaValidator(Struct openApiV3Schema) {
        this.schema = tree(openApiV3Schema);
    }

    /** Drops the members the schema does not know, then fills defaults in ({@code root} is the whole object). */
    public void pruneAndDefault(ObjectNode root) {
        prune(root, schema, true, "", null);
        defaults(root, schema);
    }

    /**
     * The paths of the members pruning would drop from {@code root} ({@code spec.color},
     * {@code spec.items[0].x}): what kube reports as unknown fields of a custom resource, as
     * warnings or, with {@code fieldValidation=Strict}, as a strict decoding error.
     */
    public List<String> unknownFields(JsonNode root) {
        List<String> out = new ArrayList<>();
        prune(root, schema, true, "", out);
        return out;
    }

    /** The schema's complaints about {@code root}, the whole object, with kube's paths and messages. */
    public void validate(ObjectNode root, FieldErrors errs) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("metadata")
                    || e.getKey().equals("apiVersion")
                    || e.getKey().equals("kind")) {
                continue;
            }
            JsonNode s = schema.path("properties").get(e.getKey());
            if (s != null) {
                check(e.getValue(), s, e.getKey(), errs);
            }
        }
        for (JsonNode req : schema.path("required")) {
            if (!root.has(req.asText()) || root.get(req.asText()).isNull()) {
                errs.required(req.asText());
            }
        }
    }

    private void check(JsonNode v, JsonNode s, String path, FieldErrors errs) {
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean(false)) {
                errs.invalid(path, "null", path + " in body must be of type " + typeName(s) + ": \"null\"");
            }
            return;
        }
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        String type = s.path("type").asText("");
        if (intOrString) {
            if (!v.isIntegralNumber() && !v.isTextual()) {
                errs.invalid(
                        path, jsonType(v), path + " in body must be of type integer,string: \"" + jsonType(v) + "\"");
                return;
            }
        } else if (!type.isEmpty() && !hasType(v, type)) {
            errs.invalid(path, jsonType(v), path + " in body must be of type " + type + ": \"" + jsonType(v) + "\"");
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
                allowed.add(e.isTextual() ? e.asText() : e.toString());
            }
            if (!found) {
                errs.notSupported(path, v.isTextual() ? v.asText() : v.toString(), allowed);
            }
        }
        if (v.isTextual()) {
            String str = v.asText();
            if (s.has("maxLength")
                    && str.codePointCount(0, str.length()) > s.get("maxLength").asLong()) {
                errs.tooLongMaxLength(path, s.get("maxLength").asInt());
            }
            if (s.has("minLength")
                    && str.codePointCount(0, str.length()) < s.get("minLength").asLong()) {
                errs.invalid(
                        path,
                        str,
                        path + " in body should be at least "
                                + s.get("minLength").asLong() + " chars long");
            }
            if (s.has("pattern") && !matches(s.get("pattern").asText(), str)) {
                errs.invalid(
                        path,
                        str,
                        path + " in body should match '" + s.get("pattern").asText() + "'");
            }
            String format = s.path("format").asText("");
            if (!format.isEmpty() && !SchemaFormats.valid(format, str)) {
                errs.invalid(path, str, path + " in body must be of type " + format + ": \"" + str + "\"");
            }
        }
        if (v.isNumber()) {
            bound(v, s, path, errs);
            multipleOf(v, s, path, errs);
        }
        if (v.isArray()) {
            if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
                errs.tooMany(path, v.size(), s.get("maxItems").asInt());
            }
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                errs.invalid(
                        path,
                        v.size(),
                        path + " in body should have at least "
                                + s.get("minItems").asInt() + " items");
            }
            JsonNode items = s.get("items");
            if (items != null && items.isObject()) {
                for (int i = 0; i < v.size(); i++) {
                    check(v.get(i), items, path + "[" + i + "]", errs);
                }
            }
            ListUniqueness.check(v, s, path, errs);
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            JsonNode additional = s.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode child = props.get(e.getKey());
                if (child == null && additional != null && additional.isObject()) {
                    child = additional;
                }
                if (child != null) {
                    check(e.getValue(), child, path + "." + e.getKey(), errs);
                }
            }
            for (JsonNode req : s.path("required")) {
                if (!v.has(req.asText()) || v.get(req.asText()).isNull()) {
                    errs.required(path + "." + req.asText());
                }
            }
            if (s.has("maxProperties") && v.size() > s.get("maxProperties").asInt()) {
                errs.invalid(
                        path,
                        v.size(),
                        path + " in body should have at most "
                                + s.get("maxProperties").asInt() + " properties");
            }
            if (s.has("minProperties") && v.size() < s.get("minProperties").asInt()) {
                errs.invalid(
                        path,
                        v.size(),
                        path + " in body should have at least "
                                + s.get("minProperties").asInt() + " properties");
            }
        }
        valueValidations(v, s, path, errs);
    }

    /**
     * allOf, anyOf, oneOf and not, with kube-openapi's messages; a failing allOf member's own
     * complaints are reported too, as kube does, the others' are not.
     */
    private void valueValidations(JsonNode v, JsonNode s, String path, FieldErrors errs) {
        JsonNode allOf = s.get("allOf");
        if (allOf != null && allOf.isArray() && !allOf.isEmpty()) {
            int valid = 0;
            for (JsonNode member : allOf) {
                FieldErrors own = new FieldErrors();
                check(v, member, path, own);
                if (own.isEmpty()) {
                    valid++;
                } else {
                    errs.addAll(own);
                }
            }
            if (valid != allOf.size()) {
                errs.invalid(
                        path,
                        "",
                        "\"" + path + "\" must validate all the schemas (allOf)"
                                + (valid == 0 ? ". None validated" : ""));
            }
        }
        JsonNode anyOf = s.get("anyOf");
        if (anyOf != null && anyOf.isArray() && !anyOf.isEmpty() && matching(v, anyOf, path) == 0) {
            errs.invalid(path, "", "\"" + path + "\" must validate at least one schema (anyOf)");
        }
        JsonNode oneOf = s.get("oneOf");
        if (oneOf != null && oneOf.isArray() && !oneOf.isEmpty()) {
            int valid = matching(v, oneOf, path);
            if (valid != 1) {
                errs.invalid(
                        path,
                        "",
                        "\"" + path + "\" must validate one and only one schema (oneOf). "
                                + (valid == 0 ? "Found none valid" : "Found " + valid + " valid alternatives"));
            }
        }
        JsonNode not = s.get("not");
        if (not != null && not.isObject()) {
            FieldErrors own = new FieldErrors();
            check(v, not, path, own);
            if (own.isEmpty()) {
                errs.invalid(path, "", "\"" + path + "\" must not validate the schema (not)");
            }
        }
    }

    private int matching(JsonNode v, JsonNode schemas, String path) {
        int n = 0;
        for (JsonNode member : schemas) {
            FieldErrors own = new FieldErrors();
            check(v, member, path, own);
            if (own.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static void multipleOf(JsonNode v, JsonNode s, String path, FieldErrors errs) {
        if (!s.has("multipleOf")) {
            return;
        }
        double factor = s.get("multipleOf").asDouble();
        if (factor <= 0) {
            return; // the CRD's validation refuses such a schema
        }
        double quotient = v.asDouble() / factor;
        if (Math.abs(quotient - Math.rint(quotient)) > 1e-9) {
            errs.invalid(
                    path,
                    v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble(),
                    path + " in body should be a multiple of " + number(s.get("multipleOf")));
        }
    }

    private static void bound(JsonNode v, JsonNode s, String path, FieldErrors errs) {
        double d = v.asDouble();
        Object shown = v.isIntegralNumber() ? (Object) v.asLong() : (Object) d;
        if (s.has("minimum")) {
            double min = s.get("minimum").asDouble();
            boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? d <= min : d < min) {
                errs.invalid(
                        path,
                        shown,
                        path + " in body should be greater than " + (exclusive ? "" : "or equal to ")
                                + number(s.get("minimum")));
            }
        }
        if (s.has("maximum")) {
            double max = s.get("maximum").asDouble();
            boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? d >= max : d > max) {
                errs.invalid(
                        path,
                        shown,
                        path + " in body should be less than " + (exclusive ? "" : "or equal to ")
                                + number(s.get("maximum")));
            }
        }
    }

    private static String number(JsonNode n) {
        double d = n.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean matches(String pattern, String s) {
        try {
            return Pattern.compile(pattern).matcher(s).find(); // ECMA/Go regexps match anywhere unless anchored
        } catch (PatternSyntaxException e) {
            return true; // a pattern Java cannot read is not the object's fault
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String jsonType(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    private static String typeName(JsonNode s) {
        return s.path("x-kubernetes-int-or-string").asBoolean(false)
                ? "integer,string"
                : s.path("type").asText("");
    }

    /** Drops what the schema does not know; only reports it in {@code unknown} when that is not null. */
    private static void prune(JsonNode v, JsonNode s, boolean root, String path, List<String> unknown) {
        if (v == null || s == null) {
            return;
        }
        if (v.isObject()) {
            boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            boolean embedded = root || s.path("x-kubernetes-embedded-resource").asBoolean(false);
            JsonNode props = s.path("properties");
            JsonNode additional = s.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (embedded && (k.equals("apiVersion") || k.equals("kind") || k.equals("metadata"))) {
                    continue;
                }
                JsonNode child = props.get(k);
                if (child == null && additional != null) {
                    child = additional.isObject()
                            ? additional
                            : additional.asBoolean(false) ? NODES.objectNode() : null;
                    if (child != null && child.isEmpty()) {
                        continue; // additionalProperties: true keeps the member as it is
                    }
                }
                String childPath = path.isEmpty() ? k : path + "." + k;
                if (child == null) {
                    if (preserve) {
                        continue;
                    }
                    if (unknown != null) {
                        unknown.add(childPath);
                    } else {
                        it.remove();
                    }
                    continue;
                }
                prune(e.getValue(), child, false, childPath, unknown);
            }
        } else if (v.isArray() && s.has("items") && s.get("items").isObject()) {
            for (int i = 0; i < v.size(); i++) {
                prune(v.get(i), s.get("items"), false, path + "[" + i + "]", unknown);
            }
        }
    }

    private static void defaults(JsonNode v, JsonNode s) {
        if (v == null || s == null) {
            return;
        }
        if (v instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            s.path("properties").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (!o.has(p.getKey()) && p.getValue().has("default")) {
                    o.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                defaults(o.get(p.getKey()), p.getValue());
            }
            JsonNode additional = s.get("additionalProperties");
            if (additional != null && additional.isObject()) {
                o.properties().forEach(e -> {
                    if (!s.path("properties").has(e.getKey())) {
                        defaults(e.getValue(), additional);
                    }
                });
            }
        } else if (v.isArray() && s.has("items")) {
            for (JsonNode item : v) {
                defaults(item, s.get("items"));
            }
        }
    }

    /** A Struct as the JSON tree it holds (integral doubles as integers, as the schema was written). */
    static JsonNode tree(Struct s) {
        ObjectNode o = NODES.objectNode();
        s.getFieldsMap().forEach((k, v) -> o.set(k, tree(v)));
        return o;
    }

    private static JsonNode tree(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> NODES.nullNode();
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? NODES.numberNode((long) d) : NODES.numberNode(d);
            }
            case STRUCT_VALUE -> tree(v.getStructValue());
            case LIST_VALUE -> list(v.getListValue());
        };
    }

    private static JsonNode list(ListValue l) {
        var a = NODES.arrayNode();
        l.getValuesList().forEach(x -> a.add(tree(x)));
        return a;
    }
}
