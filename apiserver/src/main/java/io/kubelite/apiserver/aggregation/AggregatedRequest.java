package io.kubelite.apiserver.aggregation;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * kube's request info for a resource path under {@code /apis/<group>/<version>/}: namespace,
 * resource, name, subresource and the verb (a GET without a name is {@code list}, or {@code watch}
 * with {@code ?watch=true}; a DELETE without one {@code deletecollection}), what authorization
 * checks a proxied request against.
 */
record AggregatedRequest(String verb, String namespace, String resource, String name, String subresource) {

    /** {@code s}: the path's segments after {@code /apis/}, group and version first. */
    static AggregatedRequest parse(HttpMethod method, String[] s, MultiMap query) {
        int i = 2;
        boolean watchPrefix = false;
        if (s.length > i && s[i].equals("watch")) {
            watchPrefix = true;
            i++;
        }
        String namespace = null;
        if (s.length > i + 1 && s[i].equals("namespaces")) {
            namespace = s[i + 1];
            i += 2;
            if (s.length <= i) {
                // /namespaces/<name> itself: the namespace object
                return new AggregatedRequest(verb(method, true, false, query), null, "namespaces", namespace, null);
            }
        }
        String resource = s.length > i ? s[i] : "";
        String name = s.length > i + 1 && !s[i + 1].isEmpty() ? s[i + 1] : null;
        String sub = s.length > i + 2 && !s[i + 2].isEmpty() ? s[i + 2] : null;
        return new AggregatedRequest(verb(method, name != null, watchPrefix, query), namespace, resource, name, sub);
    }

    private static String verb(HttpMethod m, boolean named, boolean watchPrefix, MultiMap query) {
        String w = query.get("watch");
        boolean watch = watchPrefix || "true".equals(w) || "1".equals(w);
        return switch (m.name()) {
            case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> m.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
