package io.kubelite.apiserver;

import io.vertx.core.http.HttpServerRequest;

/**
 * The query parameters several verbs share, parsed with kube-apiserver's error messages:
 * {@code watch}, {@code resourceVersion}, {@code resourceVersionMatch} and {@code dryRun}.
 */
public final class QueryOptions {
    private QueryOptions() {}

    /** {@code watch=1} or {@code watch=true}. */
    public static boolean isWatch(HttpServerRequest req) {
        String w = req.getParam("watch");
        return w != null && (w.equals("1") || w.equalsIgnoreCase("true"));
    }

    /** A resourceVersion as a revision; 400 when it is not a non-negative integer. */
    public static long parseRv(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + rv + "\"");
        }
    }

    /**
     * Whether a read may be served from a watch cache at {@code cacheRevision}: {@code "0"}
     * (any state), or a revision the cache has reached unless {@code resourceVersionMatch=Exact};
     * an unset resourceVersion is a quorum read from etcd.
     */
    public static boolean fromCache(Request r, long cacheRevision) {
        String rv = r.param("resourceVersion");
        if (rv == null || rv.isEmpty()) {
            return false;
        }
        if (rv.equals("0")) {
            return true;
        }
        if ("Exact".equals(r.param("resourceVersionMatch"))) {
            return false;
        }
        return parseRv(rv) <= cacheRevision;
    }

    /** {@code dryRun=All}; any other non-empty value is a 400. */
    public static boolean dryRun(Request r) {
        String d = r.param("dryRun");
        if (d == null || d.isEmpty()) {
            return false;
        }
        if (!d.equals("All")) {
            throw ApiException.badRequest("Invalid dry run value: \"" + d + "\"; supported values: All");
        }
        return true;
    }
}
