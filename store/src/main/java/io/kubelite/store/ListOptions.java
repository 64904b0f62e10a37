package io.kubelite.store;

import com.google.protobuf.Message;
import java.util.function.Predicate;

/**
 * What to list: a namespace (null or empty for all), a filter (label/field selectors
 * evaluated on decoded objects), a revision (0 = the latest, a quorum read), a page
 * limit (0 = everything) and a continue token from a previous page.
 */
public record ListOptions<T extends Message>(
        String namespace, Predicate<? super T> filter, long revision, int limit, String continueToken) {
    public ListOptions {
        filter = filter == null ? o -> true : filter;
        continueToken = continueToken == null ? "" : continueToken;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, got " + revision);
        }
    }

    public static <T extends Message> ListOptions<T> all() {
        return new ListOptions<>(null, null, 0, 0, "");
    }

    public static <T extends Message> ListOptions<T> inNamespace(String ns) {
        return new ListOptions<>(ns, null, 0, 0, "");
    }

    public ListOptions<T> withFilter(Predicate<? super T> f) {
        return new ListOptions<>(namespace, f, revision, limit, continueToken);
    }

    public ListOptions<T> atRevision(long rev) {
        return new ListOptions<>(namespace, filter, rev, limit, continueToken);
    }

    public ListOptions<T> withLimit(int l, String cont) {
        return new ListOptions<>(namespace, filter, revision, l, cont);
    }
}
