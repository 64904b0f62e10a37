package io.kubelite.store;

import io.kubelite.kinds.Resource;
import java.util.Optional;

/**
 * etcd key layout: {@code <prefix>/<resource>/<namespace>/<name>}, cluster-scoped
 * objects without the namespace segment; non-API coordination data under
 * {@code <prefix>/_kubelite/...}.
 */
public final class Keys {
    private final String prefix;

    public Keys(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String key(Resource<?> r, String namespace, String name) {
        if (r.namespaced()) {
            if (namespace == null || namespace.isEmpty()) {
                throw new IllegalArgumentException(r.plural() + " are namespaced: a namespace is required for " + name);
            }
            return prefix + "/" + r.keySegment() + "/" + namespace + "/" + name;
        }
        return prefix + "/" + r.keySegment() + "/" + name;
    }

    /** Prefix of all objects of {@code r}, ending in '/'. */
    public String resourcePrefix(Resource<?> r) {
        return prefix + "/" + r.keySegment() + "/";
    }

    /** Prefix of {@code r}'s objects in one namespace (or all, when namespace is null/empty), ending in '/'. */
    public String listPrefix(Resource<?> r, String namespace) {
        if (namespace == null || namespace.isEmpty() || !r.namespaced()) {
            return resourcePrefix(r);
        }
        return prefix + "/" + r.keySegment() + "/" + namespace + "/";
    }

    /** A key for kubelite's own coordination data, e.g. internal("leader", "scheduler"). */
    public String internal(String... parts) {
        return prefix + "/_kubelite/" + String.join("/", parts);
    }

    /** Splits a key into resource plural, namespace (null for cluster-scoped) and name. */
    public Optional<KeyParts> parse(String key) {
        if (!key.startsWith(prefix + "/")) {
            return Optional.empty();
        }
        String[] s = key.substring(prefix.length() + 1).split("/");
        if (s.length == 2) {
            return Optional.of(new KeyParts(s[0], null, s[1]));
        }
        if (s.length == 3) {
            return Optional.of(new KeyParts(s[0], s[1], s[2]));
        }
        return Optional.empty();
    }

    /** Splits a key of {@code r}'s objects (a custom resource's too, whose segment has two parts). */
    public Optional<KeyParts> parse(Resource<?> r, String key) {
        String p = resourcePrefix(r);
        if (!key.startsWith(p)) {
            return Optional.empty();
        }
        String[] s = key.substring(p.length()).split("/");
        if (s.length == 1) {
            return Optional.of(new KeyParts(r.plural(), null, s[0]));
        }
        if (s.length == 2) {
            return Optional.of(new KeyParts(r.plural(), s[0], s[1]));
        }
        return Optional.empty();
    }

    /** The parts of an object key. */
    public record KeyParts(String resource, String namespace, String name) {}

    /** The smallest key greater than every key starting with {@code p}: etcd's range end for a prefix. */
    public static String rangeEnd(String p) {
        char[] c = p.toCharArray();
        for (int i = c.length - 1; i >= 0; i--) {
            if (c[i] < 0x7f) {
                c[i]++;
                return new String(c, 0, i + 1);
            }
        }
        return "\0";
    }
}
