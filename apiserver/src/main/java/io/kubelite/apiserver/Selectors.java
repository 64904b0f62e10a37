package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.labels.Requirement;
import io.kubelite.api.labels.Selector;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes label selectors ({@code a=b,c!=d,e in (f,g),h notin (i),j,!k}) and field
 * selectors ({@code metadata.name=x,spec.nodeName!=,status.phase=Running}), parsed into
 * predicates over objects. Parse errors are {@link ApiException}s (400 BadRequest) with
 * kube-apiserver's wording.
 */
public final class Selectors {
    private Selectors() {}

    /** The {@code labelSelector} parameter over objects' metadata; a syntax error answers 400 as kube-apiserver does. */
    public static Predicate<ObjectMeta> labels(String selector) {
        Selector s = parseLabels(selector);
        return s == Selector.everything() ? m -> true : m -> s.matches(m.getLabelsMap());
    }

    /**
     * Kubernetes' label selector string syntax ({@code labels.Parse}): comma-separated
     * {@code key}, {@code !key}, {@code key=v}, {@code key==v}, {@code key!=v},
     * {@code key in (a,b)}, {@code key notin (a,b)}, {@code key>n}, {@code key<n}.
     */
    static Selector parseLabels(String selector) {
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
            throw ApiException.badRequest("unable to parse requirement: found '', expected: identifier");
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
                    throw ApiException.badRequest("unable to parse requirement: found '" + vals + "', expected: '('");
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
                        throw ApiException.badRequest("unable to parse requirement: for 'Gt', 'Lt' operators, the value"
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
            throw ApiException.badRequest(
                    "unable to parse requirement: values[0][" + key + "]: Invalid value: \"" + key + "\": " + err);
        }
    }

    private static void checkValue(String v) {
        String err = Names.labelValueError(v);
        if (err != null) {
            throw ApiException.badRequest(
                    "unable to parse requirement: values[0][value]: Invalid value: \"" + v + "\": " + err);
        }
    }

    /** A field selector over objects of {@code r}; unsupported fields answer 400 as kube-apiserver does. */
    public static <T extends Message> Predicate<T> fields(Resource<T> r, String selector) {
        if (selector == null || selector.isBlank()) {
            return o -> true;
        }
        Kind<T> kind = Kinds.of(r);
        List<Predicate<T>> reqs = new ArrayList<>();
        for (String term : selector.split(",")) {
            String t = term.trim();
            if (t.isEmpty()) {
                continue;
            }
            boolean not = false;
            String field;
            String value;
            int i;
            if ((i = t.indexOf("!=")) > 0) {
                not = true;
                field = t.substring(0, i);
                value = t.substring(i + 2);
            } else if ((i = t.indexOf("==")) > 0) {
                field = t.substring(0, i);
                value = t.substring(i + 2);
            } else if ((i = t.indexOf('=')) > 0) {
                field = t.substring(0, i);
                value = t.substring(i + 1);
            } else {
                throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + t + "'");
            }
            String f = field.trim();
            String v = value.trim();
            if (!kind.selectableFields().contains(f)) {
                throw ApiException.badRequest("field label not supported: " + f);
            }
            boolean negate = not;
            reqs.add(o -> negate != v.equals(kind.fieldValue(o, f).orElse("")));
        }
        return o -> {
            for (Predicate<T> p : reqs) {
                if (!p.test(o)) {
                    return false;
                }
            }
            return true;
        };
    }
}
