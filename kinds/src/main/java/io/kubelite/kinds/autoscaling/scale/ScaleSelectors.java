package io.kubelite.kinds.autoscaling.scale;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import io.kubelite.kinds.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes' label selector string syntax ({@code labels.Parse}, {@code metav1.FormatLabelSelector}):
 * the form {@code Scale.status.selector} and the {@code labelSelector} parameter carry. Comma-separated
 * {@code key}, {@code !key}, {@code key=v}, {@code key==v}, {@code key!=v}, {@code key in (a,b)},
 * {@code key notin (a,b)}, {@code key>n}, {@code key<n}. A syntax error is an
 * {@link IllegalArgumentException} with kube's wording (the API server answers it as 400).
 */
public final class ScaleSelectors {
    private ScaleSelectors() {}

    /** The selector in its string form, as Scale.status.selector carries it. */
    public static String format(LabelSelector sel) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(sel.getMatchLabelsMap()).forEach((k, v) -> parts.add(k + "=" + v));
        for (LabelSelectorRequirement r : sel.getMatchExpressionsList()) {
            switch (r.getOperator()) {
                case "In" -> parts.add(r.getKey() + " in (" + String.join(",", r.getValuesList()) + ")");
                case "NotIn" -> parts.add(r.getKey() + " notin (" + String.join(",", r.getValuesList()) + ")");
                case "Exists" -> parts.add(r.getKey());
                case "DoesNotExist" -> parts.add("!" + r.getKey());
                default -> {}
            }
        }
        return String.join(",", parts);
    }

    /** Parses the string form; blank selects everything ({@link Selector#everything()}). */
    public static Selector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return Selector.everything();
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String term : splitTerms(selector)) {
            reqs.add(labelTerm(term.trim()));
        }
        return Selector.of(reqs);
    }
    /** Splits on commas outside parentheses. */
    private static List<String> splitTerms(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static Requirement labelTerm(String t) {
        if (t.isEmpty()) {
            throw new IllegalArgumentException("unable to parse requirement: found '', expected: identifier");
        }
        String lower = t.replaceAll("\\s+", " ");
        int sp = lower.indexOf(' ');
        if (sp > 0) {
            String key = lower.substring(0, sp).trim();
            String rest = lower.substring(sp + 1).trim();
            boolean in = rest.startsWith("in ") || rest.startsWith("in(");
            boolean notin = rest.startsWith("notin ") || rest.startsWith("notin(");
            if (in || notin) {
                String vals = rest.substring(in ? 2 : 5).trim();
                if (!vals.startsWith("(") || !vals.endsWith(")")) {
                    throw new IllegalArgumentException(
                            "unable to parse requirement: found '" + vals + "', expected: '('");
                }
                Set<String> set = Set.copyOf(splitValues(vals.substring(1, vals.length() - 1)));
                checkKey(key);
                return new Requirement(key, in ? Requirement.Operator.IN : Requirement.Operator.NOT_IN, set);
            }
        }
        String[] ops = {"!=", "==", "=", ">", "<"};
        for (String op : ops) {
            int i = t.indexOf(op);
            if (i > 0) {
                String key = t.substring(0, i).trim();
                String val = t.substring(i + op.length()).trim();
                checkKey(key);
                Requirement.Operator o = switch (op) {
                    case "!=" -> Requirement.Operator.NOT_EQUALS;
                    case ">" -> Requirement.Operator.GT;
                    case "<" -> Requirement.Operator.LT;
                    default -> Requirement.Operator.EQUALS;
                };
                if (o == Requirement.Operator.GT || o == Requirement.Operator.LT) {
                    try {
                        Long.parseLong(val);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "unable to parse requirement: for 'Gt', 'Lt' operators, the value"
                                        + " must be an integer");
                    }
                } else {
                    checkValue(val);
                }
                return new Requirement(key, o, Set.of(val));
            }
        }
        if (t.startsWith("!")) {
            String key = t.substring(1).trim();
            checkKey(key);
            return new Requirement(key, Requirement.Operator.DOES_NOT_EXIST, Set.of());
        }
        checkKey(t);
        return new Requirement(t, Requirement.Operator.EXISTS, Set.of());
    }

    private static List<String> splitValues(String s) {
        List<String> out = new ArrayList<>();
        for (String v : s.split(",")) {
            String x = v.trim();
            checkValue(x);
            out.add(x);
        }
        return out;
    }

    private static void checkKey(String key) {
        String err = Names.qualifiedNameError(key);
        if (err != null) {
            throw new IllegalArgumentException(
                    "unable to parse requirement: values[0][" + key + "]: Invalid value: \"" + key + "\": " + err);
        }
    }

    private static void checkValue(String v) {
        String err = Names.labelValueError(v);
        if (err != null) {
            throw new IllegalArgumentException(
                    "unable to parse requirement: values[0][value]: Invalid value: \"" + v + "\": " + err);
        }
    }
}
