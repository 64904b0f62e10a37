package io.kubelite.kubelet.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP/1.x response as a client reads it off a connection the server closed: the status
 * line, the header lines as sent, and the body framed by {@code Transfer-Encoding: chunked},
 * {@code Content-Length}, or the end of the connection. Interim {@code 1xx} responses are
 * skipped. {@code complete} is false when the connection ended before the framing said the
 * body was over.
 */
record HttpResponse(String statusLine, int status, List<String> headerLines, byte[] body, boolean complete) {

    /** The response in {@code raw}, or empty when the server sent no status line at all. */
    static Optional<HttpResponse> parse(byte[] raw, boolean headRequest) {
        int pos = 0;
        while (true) {
            int end = headerEnd(raw, pos);
            if (pos >= raw.length) {
                return Optional.empty();
            }
            int stop = end < 0 ? raw.length : end;
            String head = new String(raw, pos, stop - pos, StandardCharsets.ISO_8859_1);
            List<String> lines = new ArrayList<>();
            for (String l : head.split("\n", -1)) {
                lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            if (lines.isEmpty() || !lines.get(0).startsWith("HTTP/")) {
                return Optional.empty();
            }
            String statusLine = lines.get(0);
            int status = statusCode(statusLine);
            List<String> headers = List.copyOf(lines.subList(1, lines.size()));
            int bodyStart = end < 0 ? raw.length : end + separatorLength(raw, end);
            if (status >= 100 && status < 200 && end >= 0) {
                pos = bodyStart; // 100 Continue and friends: the real response follows
                continue;
            }
            byte[] rest = Arrays.copyOfRange(raw, bodyStart, raw.length);
            if (end < 0) {
                return Optional.of(new HttpResponse(statusLine, status, headers, new byte[0], false));
            }
            if (headRequest || status == 204 || status == 304) {
                return Optional.of(new HttpResponse(statusLine, status, headers, new byte[0], true));
            }
            HttpResponse partial = new HttpResponse(statusLine, status, headers, rest, true);
            if (partial.header("transfer-encoding")
                    .map(v -> v.equalsIgnoreCase("chunked"))
                    .orElse(false)) {
                return Optional.of(dechunk(partial, rest));
            }
            Optional<String> length = partial.header("content-length");
            if (length.isPresent()) {
                long n;
                try {
                    n = Long.parseLong(length.get().strip());
                } catch (NumberFormatException e) {
                    n = rest.length;
                }
                boolean whole = rest.length >= n;
                byte[] body = whole ? Arrays.copyOf(rest, (int) n) : rest;
                return Optional.of(new HttpResponse(statusLine, status, headers, body, whole));
            }
            return Optional.of(partial);
        }
    }

    /** The value of the first header named {@code name} (any case), trimmed. */
    Optional<String> header(String name) {
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** The reason phrase's code: the number after the protocol, 0 if there is none. */
    static int statusCode(String statusLine) {
        String[] w = statusLine.split("[ \t]+");
        try {
            return w.length > 1 ? Integer.parseInt(w[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static HttpResponse dechunk(HttpResponse r, byte[] rest) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int p = 0;
        while (true) {
            int eol = indexOf(rest, p, (byte) '\n');
            if (eol < 0) {
                return new HttpResponse(r.statusLine, r.status, r.headerLines, body.toByteArray(), false);
            }
            String sizeLine = new String(rest, p, eol - p, StandardCharsets.ISO_8859_1).strip();
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong(semi >= 0 ? sizeLine.substring(0, semi).strip() : sizeLine, 16);
            } catch (NumberFormatException e) {
                return new HttpResponse(r.statusLine, r.status, r.headerLines, body.toByteArray(), false);
            }
            p = eol + 1;
            if (size == 0) {
                return new HttpResponse(r.statusLine, r.status, r.headerLines, body.toByteArray(), true);
            }
            int take = (int) Math.min(size, rest.length - p);
            body.write(rest, p, take);
            if (take < size) {
                return new HttpResponse(r.statusLine, r.status, r.headerLines, body.toByteArray(), false);
            }
            p += take;
            // the CRLF after the chunk's data
            int next = indexOf(rest, p, (byte) '\n');
            p = next < 0 ? rest.length : next + 1;
        }
    }

    private static int headerEnd(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    return i;
                }
                if (i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int separatorLength(byte[] b, int end) {
        return b[end + 1] == '\n' ? 2 : 3;
    }

    private static int indexOf(byte[] b, int from, byte v) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The response's header lines with the status line, CRLF-terminated as sent, for {@code curl -i}. */
    String headText() {
        StringBuilder sb = new StringBuilder(statusLine).append("\r\n");
        headerLines.forEach(h -> sb.append(h).append("\r\n"));
        return sb.append("\r\n").toString();
    }
}
