package io.kubelite.dashboard.view;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters every view takes: the namespace filter ({@code ""} = all namespaces), checked as
 * the API server checks names (DNS-1123 labels), so a bad one is a clear error rather than an
 * empty page; and {@code params}, the page's own (a detail view's object {@code name}, the
 * topology page's label selector, a filter), from the stream URL's other query parameters. Each
 * view checks its own in {@link View#validate}, except {@code name}, checked here as the API
 * server checks object names (DNS-1123 subdomain).
 */
public record ViewQuery(String namespace, Map<String, String> params) {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public static final ViewQuery ALL = new ViewQuery("");

    public ViewQuery(String namespace) {
        this(namespace, Map.of());
    }

    public ViewQuery {
        params = params == null ? Map.of() : Map.copyOf(params);
        namespace = namespace == null ? "" : namespace;
        String name = params.getOrDefault("name", "");
        if (!namespace.isEmpty() && !DNS1123_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace \"" + namespace + "\" is not a valid namespace name");
        }
        if (!name.isEmpty()
                && (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches())) {
            throw new IllegalArgumentException("name \"" + name + "\" is not a valid object name");
        }
    }

    /** The detail page's object name ({@code ""} = none). */
    public String name() {
        return param("name");
    }

    /** A view parameter, or {@code ""} when absent. */
    public String param(String key) {
        return params.getOrDefault(key, "");
    }

    public boolean allNamespaces() {
        return namespace.isEmpty();
    }

    /** Whether an object in {@code ns} is in this query's namespace. */
    public boolean includes(String ns) {
        return namespace.isEmpty() || namespace.equals(ns);
    }
}
