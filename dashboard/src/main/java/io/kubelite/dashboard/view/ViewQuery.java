package io.kubelite.dashboard.view;

import java.util.regex.Pattern;

/**
 * The parameters every view takes: the namespace filter ({@code ""} = all namespaces).
 * Namespaces are checked as the API server checks names (DNS-1123 labels), so a bad one is a
 * clear error rather than an empty page.
 */
public record ViewQuery(String namespace) {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static final ViewQuery ALL = new ViewQuery("");

    public ViewQuery {
        namespace = namespace == null ? "" : namespace;
        if (!namespace.isEmpty() && !DNS1123_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace \"" + namespace + "\" is not a valid namespace name");
        }
    }

    public boolean allNamespaces() {
        return namespace.isEmpty();
    }

    /** Whether an object in {@code ns} is in this query's namespace. */
    public boolean includes(String ns) {
        return namespace.isEmpty() || namespace.equals(ns);
    }
}
