package io.kubelite.kubelet.network;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** Writes an HTTP/1.1 response the way the simulated servers send one: always {@code Connection: close}. */
final class HttpResponse {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(201, "Created"),
            Map.entry(204, "No Content"),
            Map.entry(301, "Moved Permanently"),
            Map.entry(302, "Found"),
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Not Allowed"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    private HttpResponse() {}

    static String reason(int status) {
        return REASONS.getOrDefault(status, status < 400 ? "OK" : "Error");
    }

    /** Status line, Server, Date, Content-Type, Content-Length, Connection: close, then the body unless {@code head}. */
    static byte[] of(int status, String server, String contentType, byte[] body, boolean head) {
        StringBuilder h = new StringBuilder();
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (server != null) {
            h.append("Server: ").append(server).append("\r\n");
        }
        h.append("Date: ")
                .append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n");
        h.append("Content-Type: ").append(contentType).append("\r\n");
        h.append("Content-Length: ").append(body.length).append("\r\n");
        h.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    static byte[] text(int status, String server, String body) {
        return of(status, server, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false);
    }
}
