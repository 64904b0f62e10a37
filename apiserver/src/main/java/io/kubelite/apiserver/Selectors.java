package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.Event;
import io.kubelite.api.Secret;
import io.kubelite.api.Namespace;
import io.kubelite.api.Node;
import io.kubelite.store.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes label selectors ({@code a=b,c!=d,e in (f,g),h notin (i),j,!k}) and field
 * selectors ({@code metadata.name=x,spec.nodeName!=,status.phase=Running}), parsed into
 * predicates over objects. Parse errors are {@link ApiException}s (400 BadRequest) with
 * kube-apiserver's wording.
 */
public final class Selectors {
    private Selectors() {
    }

    /** Fields a field selector may name, per kind; every kind has metadata.name and metadata.namespace. */
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Pod", Set.of("spec.nodeName", "status.phase", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.restartPolicy", "status.podIP", "status.nominatedNodeName"),
            "Node", Set.of("spec.unschedulable"),
            "Namespace", Set.of("status.phase"),
            "Secret", Set.of("type"),
            "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                    "involvedObject.uid", "reason", "type", "source"));

    public static Predicate<ObjectMeta> labels(String selector) {
        if (selector == null || selector.isBlank()) {
            return m -> true;
        }
        List<Predicate<Map<String, String>>> reqs = new ArrayList<>();
        for (String term : splitTerms(selector)) {
            reqs.add(labelTerm(term.trim(), selector));
        }
        return m -> {
            Map<String, String> l = m.getLabelsMap();
            for (Predicate<Map<String, String>> p : reqs) {
                if (!p.test(l)) {
                    return false;
                }
            }
            return true;
        };
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

    private static Predicate<Map<String, String>> labelTerm(String t, String whole) {
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
                return in ? l -> l.containsKey(key) && set.contains(l.get(key))
                        : l -> !l.containsKey(key) || !set.contains(l.get(key));
            }
        }
        String[] ops = {"!=", "==", "="};
        for (String op : ops) {
            int i = t.indexOf(op);
            if (i > 0) {
                String key = t.substring(0, i).trim();
                String val = t.substring(i + op.length()).trim();
                checkKey(key);
                checkValue(val);
                return op.equals("!=") ? l -> !val.equals(l.get(key)) : l -> val.equals(l.get(key));
            }
        }
        if (t.startsWith("!")) {
            String key = t.substring(1).trim();
            checkKey(key);
            return l -> !l.containsKey(key);
        }
        checkKey(t);
        return l -> l.containsKey(t);
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
        String err = Validation.qualifiedNameError(key);
        if (err != null) {
            throw ApiException.badRequest("unable to parse requirement: values[0][" + key + "]: Invalid value: \""
                    + key + "\": " + err);
        }
    }

    private static void checkValue(String v) {
        String err = Validation.labelValueError(v);
        if (err != null) {
            throw ApiException.badRequest("unable to parse requirement: values[0][value]: Invalid value: \"" + v
                    + "\": " + err);
        }
    }

    /** A field selector over objects of {@code r}; unsupported fields answer 400 as kube-apiserver does. */
    public static <T extends Message> Predicate<T> fields(Resource<T> r, String selector) {
        if (selector == null || selector.isBlank()) {
            return o -> true;
        }
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
            if (!f.equals("metadata.name") && !f.equals("metadata.namespace")
                    && !FIELDS.getOrDefault(r.kind(), Set.of()).contains(f)) {
                throw ApiException.badRequest("field label not supported: " + f);
            }
            boolean negate = not;
            reqs.add(o -> negate != v.equals(fieldValue(r, o, f)));
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

    static <T extends Message> String fieldValue(Resource<T> r, T o, String f) {
        ObjectMeta m = r.meta(o);
        switch (f) {
            case "metadata.name":
                return m.getName();
            case "metadata.namespace":
                return m.getNamespace();
            default:
                break;
        }
        if (o instanceof Pod p) {
            return switch (f) {
                case "spec.nodeName" -> p.getSpec().getNodeName();
                case "status.phase" -> p.getStatus().getPhase();
                case "spec.schedulerName" -> p.getSpec().getSchedulerName();
                case "spec.serviceAccountName" -> p.getSpec().getServiceAccountName();
                case "spec.restartPolicy" -> p.getSpec().getRestartPolicy();
                case "status.podIP" -> p.getStatus().getPodIp();
                case "status.nominatedNodeName" -> p.getStatus().getNominatedNodeName();
                default -> "";
            };
        }
        if (o instanceof Node n && f.equals("spec.unschedulable")) {
            return Boolean.toString(n.getSpec().getUnschedulable());
        }
        if (o instanceof Namespace n && f.equals("status.phase")) {
            return n.getStatus().getPhase();
        }
        if (o instanceof Secret s && f.equals("type")) {
            return s.getType();
        }
        if (o instanceof Event e) {
            return switch (f) {
                case "involvedObject.kind" -> e.getInvolvedObject().getKind();
                case "involvedObject.namespace" -> e.getInvolvedObject().getNamespace();
                case "involvedObject.name" -> e.getInvolvedObject().getName();
                case "involvedObject.uid" -> e.getInvolvedObject().getUid();
                case "reason" -> e.getReason();
                case "type" -> e.getType();
                case "source" -> e.getSource().getComponent();
                default -> "";
            };
        }
        return "";
    }
}
