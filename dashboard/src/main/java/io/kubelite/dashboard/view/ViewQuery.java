package io.kubelite.dashboard.view;

import java.util.regex.Pattern;

/**
 * The parameters every view takes: the namespace filter ({@code ""} = all namespaces) and, for a
 * detail page's view, the object's name ({@code ""} = none). Both are checked as the API server
 * checks names (DNS-1123), so a bad one is a clear error rather than an empty page.
 */
public record ViewQuery(String namespace, String name) {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public static final ViewQuery ALL = new ViewQuery("");

    public ViewQuery {
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
        if (!namespace.isEmpty() && !DNS1123_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace \"" + namespace + "\" is not a valid namespace name");
        }
        if (!name.isEmpty()
                && (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches())) {
            throw new IllegalArgumentException("name \"" + name + "\" is not a valid object name");
        }
    }

    /** A query without an object name (every list view's). */
    public ViewQuery(String namespace) {
        this(namespace, "");
    }

    public boolean allNamespaces() {
        return namespace.isEmpty();
    }

    /** Whether an object in {@code ns} is in this query's namespace. */
    public boolean includes(String ns) {
        return namespace.isEmpty() || namespace.equals(ns);
    }
}
