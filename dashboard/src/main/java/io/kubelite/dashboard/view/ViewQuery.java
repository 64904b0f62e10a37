package io.kubelite.dashboard.view;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters every view takes: the namespace filter ({@code ""} = all namespaces), plus the
 * page's own parameters ({@code params}, e.g. the topology page's label selector; a view checks
 * them in {@link View#validate}).
 * Namespaces are checked as the API server checks names (DNS-1123 labels), so a bad one is a
 * clear error rather than an empty page.
 */
public record ViewQuery(String namespace, Map<String, String> params) {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static final ViewQuery ALL = new ViewQuery("");

    public ViewQuery(String namespace) {
        this(namespace, Map.of());
    }

    public ViewQuery {
        namespace = namespace == null ? "" : namespace;
        params = params == null ? Map.of() : Map.copyOf(params);
        if (!namespace.isEmpty() && !DNS1123_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace \"" + namespace + "\" is not a valid namespace name");
        }
    }

    /** The page parameter {@code name}, or {@code ""}. */
    public String param(String name) {
        return params.getOrDefault(name, "");
    }

    public boolean allNamespaces() {
        return namespace.isEmpty();
    }

    /** Whether an object in {@code ns} is in this query's namespace. */
    public boolean includes(String ns) {
        return namespace.isEmpty() || namespace.equals(ns);
    }
}
