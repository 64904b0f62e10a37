package io.kubelite.kubelet.network;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The head of an HTTP/1.x request as a simulated server reads it off a connection: method,
 * target (path and query), version and headers. Anything else (no request line, a bad method
 * token, a version other than HTTP/1.x) is not HTTP: {@link #parse} is empty and the server
 * answers 400.
 */
record HttpRequest(String method, String path, String query, String version, Map<String, String> headers) {
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

    static Optional<HttpRequest> parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
        String[] parts = line.split(" ");
        if (parts.length != 3 || !METHOD.matcher(parts[0]).matches() || !parts[2].matches("HTTP/1\\.[01]")) {
            return Optional.empty();
        }
        String target = parts[1];
        if (target.startsWith("http://")) {
            int slash = target.indexOf('/', "http://".length());
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            return Optional.empty();
        }
        int q = target.indexOf('?');
        Map<String, String> headers = new LinkedHashMap<>();
        if (end >= 0) {
            for (String h : text.substring(end + 1).split("\r?\n")) {
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    return Optional.empty();
                }
                headers.put(
                        h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
        }
        return Optional.of(new HttpRequest(
                parts[0],
                q < 0 ? target : target.substring(0, q),
                q < 0 ? "" : target.substring(q + 1),
                parts[2],
                headers));
    }

    /** A query parameter's decoded value, or null. */
    String param(String name) {
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (java.net.URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
