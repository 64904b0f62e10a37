package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CRD version's CEL validation rules ({@code x-kubernetes-validations}), compiled once and
 * evaluated on every write of a custom object, as kube-apiserver does
 * (apiextensions-apiserver's {@code schema/cel}): each rule sees its node's value as
 * {@code self} and, for a transition rule on an update, the old value as {@code oldSelf}
 * (evaluated only when the old object has a value at the same place, correlated through
 * properties, map keys and map-list keys; with {@code optionalOldSelf} also without one, with
 * {@code oldSelf} an optional). A false rule is the
 * rule's {@code message} (or {@code messageExpression}, or "failed rule: RULE") at the node's
 * path plus its {@code fieldPath}, as the error its {@code reason} names.
 *
 * <p>Unlike kube, {@code self} is dynamically typed: a rule naming a field the schema lacks
 * is an evaluation error on write, not a compile error at CRD creation. Rules run without kube's
 * cost budget; comprehensions stop after {@value #MAX_ITERATIONS} iterations.
 */
final class CelRules {
    private static final int MAX_ITERATIONS = 100_000;
    private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();
    /** Immutable and thread-safe: shared by every CRD. */
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .addCompilerLibraries(
                    CelExtensions.strings(),
                    CelExtensions.lists(),
                    CelExtensions.sets(OPTIONS),
                    CelExtensions.math(OPTIONS),
                    CelExtensions.encoders(OPTIONS),
                    CelExtensions.optional())
            .addRuntimeLibraries(
                    CelExtensions.strings(),
                    CelExtensions.lists(),
                    CelExtensions.sets(OPTIONS),
                    CelExtensions.math(OPTIONS),
                    CelExtensions.encoders(OPTIONS),
                    CelExtensions.optional())
            .addFunctionDeclarations(KubeCelLibrary.declarations())
            .addFunctionBindings(KubeCelLibrary.bindings())
            .build();

    private record Rule(
            String rule,
            CelRuntime.Program program,
            CelRuntime.Program messageExpression,
            String message,
            String fieldPath,
            String reason,
            boolean transition,
            boolean optionalOldSelf) {}

    /** The rules of one schema node and of the nodes below it that have any. */
    private static final class Node {
        String type = "";
        final List<Rule> rules = new ArrayList<>();
        final Map<String, Node> properties = new LinkedHashMap<>();
        Node additionalProperties;
        Node items;
        String listType = "";
        final List<String> listMapKeys = new ArrayList<>();

        boolean empty() {
            return rules.isEmpty() && properties.isEmpty() && additionalProperties == null && items == null;
        }
    }

    private final Node root;

    private CelRules(Node root) {
        this.root = root;
    }

    /** The rules of {@code schema}, or null when it has none; compile errors go to {@code errs} at {@code path}. */
    static CelRules compile(JsonNode schema, String path, FieldErrors errs) {
        Node n = node(schema, path, errs);
        return n == null ? null : new CelRules(n);
    }

    /**
     * Appends the errors of the rules that need no old object, on create and on update alike (an
     * {@code optionalOldSelf} rule runs here with an empty {@code oldSelf}, so on an update it
     * runs twice: unlike kube, also as if the object were new).
     */
    void validate(JsonNode obj, FieldErrors errs) {
        validate(root, obj, null, "", false, errs);
    }

    /** Appends the errors of the transition rules, which compare {@code obj} with {@code old}. */
    void validateTransition(JsonNode obj, JsonNode old, FieldErrors errs) {
        validate(root, obj, old, "", true, errs);
    }

    // ------------------------------------------------------------------ compiling

    private static Node node(JsonNode s, String path, FieldErrors errs) {
        if (s == null || !s.isObject()) {
            return null;
        }
        Node n = new Node();
        n.type = s.path("x-kubernetes-int-or-string").asBoolean(false)
                ? ""
                : s.path("type").asText("");
        n.listType = s.path("x-kubernetes-list-type").asText("");
        s.path("x-kubernetes-list-map-keys").forEach(k -> n.listMapKeys.add(k.asText()));
        JsonNode rules = s.path("x-kubernetes-validations");
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rule(rules.get(i), path + ".x-kubernetes-validations[" + i + "]", errs);
            if (r != null) {
                n.rules.add(r);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        s.path("properties").properties().iterator();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Node child = node(e.getValue(), path + ".properties[" + e.getKey() + "]", errs);
            if (child != null) {
                n.properties.put(e.getKey(), child);
            }
        }
        n.additionalProperties = node(s.get("additionalProperties"), path + ".additionalProperties", errs);
        n.items = node(s.get("items"), path + ".items", errs);
        return n.empty() ? null : n;
    }

    private static Rule rule(JsonNode r, String path, FieldErrors errs) {
        String text = r.path("rule").asText("");
        if (text.isBlank()) {
            errs.required(path + ".rule");
            return null;
        }
        CelRuntime.Program program = program(text, path + ".rule", errs);
        CelRuntime.Program messageExpression = null;
        String me = r.path("messageExpression").asText("");
        if (!me.isBlank()) {
            messageExpression = program(me, path + ".messageExpression", errs);
        }
        String reason = r.path("reason").asText("FieldValueInvalid");
        if (!List.of("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate")
                .contains(reason)) {
            errs.notSupported(
                    path + ".reason",
                    reason,
                    List.of("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"));
        }
        if (program == null) {
            return null;
        }
        return new Rule(
                text,
                program,
                messageExpression,
                r.path("message").asText(""),
                r.path("fieldPath").asText(""),
                reason,
                OLD_SELF.matcher(text).find(),
                r.path("optionalOldSelf").asBoolean(false));
    }

    private static CelRuntime.Program program(String expression, String path, FieldErrors errs) {
        try {
            CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
            return CEL.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            errs.invalid(path, expression, "compilation failed: " + e.getMessage());
            return null;
        }
    }

    // ------------------------------------------------------------------ evaluating

    private static void validate(Node n, JsonNode v, JsonNode old, String path, boolean transitions, FieldErrors errs) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return; // kube evaluates no rule on an absent or null value
        }
        if (!n.rules.isEmpty()) {
            Object self = CelValues.of(v);
            Object oldSelf = old == null || old.isNull() || old.isMissingNode() ? null : CelValues.of(old);
            for (Rule r : n.rules) {
                // without an old value: plain rules, and optionalOldSelf ones (oldSelf empty);
                // with one: the transition rules, whose old value exists here
                boolean runs = transitions ? r.transition() && oldSelf != null : !r.transition() || r.optionalOldSelf();
                if (runs) {
                    evaluate(r, n.type, self, transitions ? oldSelf : null, path, errs);
                }
            }
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                // properties and additionalProperties never meet in a structural schema
                Node child = n.properties.getOrDefault(e.getKey(), n.additionalProperties);
                if (child != null) {
                    JsonNode oldChild = old == null ? null : old.get(e.getKey());
                    boolean mapKey = !n.properties.containsKey(e.getKey());
                    validate(child, e.getValue(), oldChild, join(path, e.getKey(), mapKey), transitions, errs);
                }
            }
        } else if (v.isArray() && n.items != null) {
            Map<Map<String, JsonNode>, JsonNode> oldByKey = oldItemsByKey(n, old);
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                JsonNode oldItem = oldByKey == null ? null : oldByKey.get(key(n, item));
                validate(n.items, item, oldItem, path + "[" + i + "]", transitions, errs);
            }
        }
    }

    /** Old items of a map list by their keys: kube correlates only those (and set items by value). */
    private static Map<Map<String, JsonNode>, JsonNode> oldItemsByKey(Node n, JsonNode old) {
        if (old == null || !old.isArray() || !(n.listType.equals("map") || n.listType.equals("set"))) {
            return null;
        }
        Map<Map<String, JsonNode>, JsonNode> out = new HashMap<>();
        for (JsonNode item : old) {
            out.putIfAbsent(key(n, item), item);
        }
        return out;
    }

    private static Map<String, JsonNode> key(Node n, JsonNode item) {
        if (n.listType.equals("set") || !item.isObject()) {
            return Map.of("", item);
        }
        Map<String, JsonNode> k = new HashMap<>();
        for (String name : n.listMapKeys) {
            JsonNode v = item.get(name);
            if (v != null) {
                k.put(name, v);
            }
        }
        return k;
    }

    private static String join(String path, String member, boolean mapKey) {
        if (mapKey) {
            return path + "[" + member + "]";
        }
        return path.isEmpty() ? member : path + "." + member;
    }

    private static void evaluate(Rule r, String type, Object self, Object oldSelf, String path, FieldErrors errs) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (r.transition()) {
            vars.put("oldSelf", r.optionalOldSelf() ? java.util.Optional.ofNullable(oldSelf) : oldSelf);
        }
        String field = r.fieldPath().isEmpty() ? path : path + r.fieldPath();
        Object result;
        try {
            result = r.program().eval(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            errs.invalid(field, type, e.getMessage() + " evaluating rule: " + ruleString(r));
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            return;
        }
        if (!(result instanceof Boolean)) {
            errs.invalid(field, type, "rule did not evaluate to a bool: " + ruleString(r));
            return;
        }
        String detail = message(r, vars);
        switch (r.reason()) {
            case "FieldValueForbidden" -> errs.forbidden(field, detail);
            case "FieldValueRequired" -> errs.required(field, detail);
            case "FieldValueDuplicate" -> errs.duplicateRendered(field, "\"" + type + "\": " + detail);
            default -> errs.invalid(field, type, detail);
        }
    }

    private static String message(Rule r, Map<String, Object> vars) {
        if (r.messageExpression() != null) {
            try {
                Object m = r.messageExpression().eval(vars);
                if (m instanceof String s && !s.isBlank()) {
                    return s.strip();
                }
            } catch (CelEvaluationException | RuntimeException e) {
                // kube falls back to the rule's message when the expression fails
            }
        }
        return r.message().isBlank()
                ? "failed rule: " + r.rule().strip()
                : r.message().strip();
    }

    private static String ruleString(Rule r) {
        return r.message().isBlank() ? r.rule().strip() : r.message().strip();
    }
}
