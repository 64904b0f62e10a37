package io.kubelite.kubelet.shell;

import java.util.Locale;

/**
 * The parts of an {@code http://} URL a client needs: scheme (http when none is written),
 * {@code host[:port]} as written (the {@code Host} header), host, port, and the request target
 * ({@code /path?query}, at least {@code /}); a fragment is dropped and user info ignored.
 */
record HttpUrl(String scheme, String authority, String host, int port, String target) {

    /** The URL's parts, or null when its port is no number in 1..65535 or its host is empty. */
    static HttpUrl parse(String url) {
        int sep = url.indexOf("://");
        String scheme = sep >= 0 ? url.substring(0, sep).toLowerCase(Locale.ROOT) : "http";
        String rest = sep >= 0 ? url.substring(sep + 3) : url;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int slash = firstOf(rest, '/', '?');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String target = slash >= 0 ? rest.substring(slash) : "/";
        if (target.startsWith("?")) {
            target = "/" + target;
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host = authority;
        int port = scheme.equals("https") ? 443 : 80;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (port < 1 || port > 65535) {
                return null;
            }
        }
        if (host.isEmpty()) {
            return null;
        }
        return new HttpUrl(scheme, authority, host, port, target);
    }

    /** Whether {@code url} names a host at all (a null {@link #parse} is then a bad port). */
    static boolean hasHost(String url) {
        int sep = url.indexOf("://");
        String rest = sep >= 0 ? url.substring(sep + 3) : url;
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        String authority = rest.substring(rest.lastIndexOf('@', end - 1) + 1, end);
        int colon = authority.lastIndexOf(':');
        return !(colon >= 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority).isEmpty();
    }

    /** The last component of the path (query included, as busybox wget names files), empty for a directory. */
    String lastPathComponent() {
        String t = target.substring(1);
        int q = t.indexOf('?');
        String path = q >= 0 ? t.substring(0, q) : t;
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? t.substring(slash + 1) : t;
    }

    /** {@code location} (absolute, or a path on this server) as a URL. */
    HttpUrl resolve(String location) {
        if (location.contains("://")) {
            return parse(location);
        }
        if (location.startsWith("/")) {
            return new HttpUrl(scheme, authority, host, port, location);
        }
        int slash = target.lastIndexOf('/', target.indexOf('?') >= 0 ? target.indexOf('?') : target.length());
        return new HttpUrl(scheme, authority, host, port, target.substring(0, slash + 1) + location);
    }

    @Override
    public String toString() {
        return scheme + "://" + authority + target;
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : (j < 0 ? i : Math.min(i, j));
    }
}
