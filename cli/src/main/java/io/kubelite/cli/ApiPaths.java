package io.kubelite.cli;

import io.kubelite.kinds.Resource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where a resource's collections and objects live in the API server's REST paths. */
final class ApiPaths {
    private ApiPaths() {}

    /** Collection path: namespaced in ns (or all namespaces when ns is null), or cluster-scoped. */
    static String collection(Resource<?> r, String ns) {
        if (r.namespaced() && ns != null) {
            return base(r) + "/namespaces/" + enc(ns) + "/" + r.plural();
        }
        return base(r) + "/" + r.plural();
    }

    /** An object's path; {@code ns} is ignored for a cluster-scoped resource. */
    static String item(Resource<?> r, String ns, String name) {
        return collection(r, ns) + "/" + enc(name);
    }

    /** {@code s} encoded for a path segment or a query parameter's value. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String base(Resource<?> r) {
        return r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
    }
}
