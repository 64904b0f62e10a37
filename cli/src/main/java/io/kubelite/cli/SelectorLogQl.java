package io.kubelite.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates a Kubernetes label selector ({@code kl logs -l}) into LogQL stream matchers for the
 * log store, whose stream labels are the pod's labels with every character outside
 * {@code [a-zA-Z0-9_]} replaced by {@code _} (docs/logging.md, "Stream labels"):
 *
 * <ul>
 *   <li>{@code k=v}, {@code k==v} → {@code k="v"}; {@code k!=v} → {@code k!="v"};
 *   <li>{@code k in (a,b)} → {@code k=~`a|b`}; {@code k notin (a,b)} → {@code k!~`a|b`};
 *   <li>{@code k} (exists) → {@code k=~`.+`}; {@code !k} → {@code k=""}.
 * </ul>
 *
 * What the store cannot answer is refused with a message naming the requirement: {@code >} and
 * {@code <} (LogQL matchers do not compare numbers), an empty value ({@code k=}: the store keeps
 * no empty labels, so it cannot tell "empty" from "absent"), and keys that fold onto the store's
 * own stream labels ({@code namespace}, {@code pod}, {@code container}, {@code node},
 * {@code stream}, which win over pod labels of that name). Stateless.
 */
final class SelectorLogQl {
    /** The store's own stream labels; a pod label of the same (folded) name is not searchable. */
    static final Set<String> RESERVED = Set.of("namespace", "pod", "container", "node", "stream");

    private static final Pattern SET = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private SelectorLogQl() {}

    /** The LogQL matchers for {@code selector}, in its order ({@code ""} gives none). */
    static List<String> matchers(String selector) {
        List<String> out = new ArrayList<>();
        for (String req : requirements(selector)) {
            out.add(matcher(selector, req));
        }
        return out;
    }

    /** The store's name for pod label {@code key}: characters outside [a-zA-Z0-9_] become {@code _}. */
    static String storeLabel(String key) {
        return key.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String matcher(String selector, String req) {
        Matcher set = SET.matcher(req);
        if (set.matches()) {
            String key = key(selector, set.group(1));
            List<String> values = new ArrayList<>();
            for (String v : set.group(3).split(",", -1)) {
                values.add(value(selector, v.strip(), false));
            }
            // values are [A-Za-z0-9._-]: only the dot means something in a regex
            String alternatives = String.join(
                    "|", values.stream().map(v -> v.replace(".", "\\.")).toList());
            return key + (set.group(2).equals("in") ? "=~" : "!~") + "`" + alternatives + "`";
        }
        if (req.contains(">") || req.contains("<")) {
            throw invalid(selector, "\"" + req + "\": the log store cannot compare label values (> and <)");
        }
        if (req.startsWith("!") && !req.contains("=")) {
            return key(selector, req.substring(1).strip()) + "=\"\"";
        }
        for (String op : List.of("!=", "==", "=")) {
            int i = req.indexOf(op);
            if (i >= 0) {
                String key = key(selector, req.substring(0, i).strip());
                String v = value(selector, req.substring(i + op.length()).strip(), true);
                return key + (op.equals("!=") ? "!=" : "=") + "\"" + v + "\"";
            }
        }
        return key(selector, req) + "=~`.+`";
    }

    private static String key(String selector, String key) {
        if (key.isEmpty()) {
            throw invalid(selector, "a requirement has no label key");
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (!NAME.matcher(name).matches()
                || (slash >= 0 && !PREFIX.matcher(key.substring(0, slash)).matches())) {
            throw invalid(selector, "\"" + key + "\" is not a valid label key");
        }
        String label = storeLabel(key);
        if (RESERVED.contains(label)) {
            throw invalid(
                    selector,
                    "label \"" + key + "\" cannot be searched in the log store: its stream label \"" + label
                            + "\" is the pod's own " + label);
        }
        return label;
    }

    private static String value(String selector, String value, boolean single) {
        if (!VALUE.matcher(value).matches()) {
            throw invalid(selector, "\"" + value + "\" is not a valid label value");
        }
        if (value.isEmpty()) {
            throw invalid(
                    selector,
                    (single ? "an empty value" : "an empty value in a set")
                            + " cannot be searched in the log store (it keeps no empty labels)");
        }
        return value;
    }

    /** Splits on the commas outside parentheses. */
    private static List<String> requirements(String selector) {
        List<String> out = new ArrayList<>();
        if (selector.isBlank()) {
            return out;
        }
        int depth = 0;
        int from = 0;
        for (int i = 0; i <= selector.length(); i++) {
            char c = i < selector.length() ? selector.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String req = selector.substring(from, i).strip();
                if (req.isEmpty()) {
                    throw invalid(selector, "an empty requirement");
                }
                out.add(req);
                from = i + 1;
            }
        }
        if (depth != 0) {
            throw invalid(selector, "unbalanced parentheses");
        }
        return out;
    }

    private static KlException invalid(String selector, String why) {
        return new KlException("error: unable to use label selector \"" + selector + "\" with the log store: " + why);
    }
}
