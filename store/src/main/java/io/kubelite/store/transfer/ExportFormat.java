package io.kubelite.store.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The {@code kubelite-export/v1} file format: UTF-8 text, one JSON object per line.
 *
 * <pre>
 * {"format":"kubelite-export/v1","prefix":"/registry","revision":812,"exportedAt":"2026-11-26T05:40:00Z"}
 * {"key":"namespaces/default","value":"azhsAAoC..."}
 * {"key":"events/default/web-1.1a2b","value":"azhsAAoC...","ttl":3542}
 * {"end":"kubelite-export/v1","keys":2,"leased":1,"sha256":"9f86d0..."}
 * </pre>
 *
 * <ul>
 *   <li>line 1, the header: format name, the source prefix, the single etcd revision
 *       every key was read at, the export time;</li>
 *   <li>one line per key, in key order: the key relative to the prefix (no leading
 *       '/'), the value byte for byte in standard base64, and {@code ttl}, the seconds
 *       left on the key's lease, only when it has one;</li>
 *   <li>the trailer, last: the number of key lines, how many have a ttl, and the
 *       SHA-256 (hex) of every byte before the trailer line, each line counted with its
 *       terminating {@code '\n'}. A file without it was truncated.</li>
 * </ul>
 *
 * This class encodes and decodes single lines; {@link ExportWriter} and
 * {@link ExportReader} deal with whole files. Unknown fields are ignored, so a later
 * minor addition stays readable; a different {@code format} value is refused.
 */
public final class ExportFormat {
    /** The format name in the header and trailer. */
    public static final String V1 = "kubelite-export/v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportFormat() {}

    public static String headerLine(ExportHeader h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", h.format());
        n.put("prefix", h.prefix());
        n.put("revision", h.revision());
        n.put("exportedAt", h.exportedAt());
        return n.toString();
    }

    public static String entryLine(ExportEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", e.key());
        n.put("value", Base64.getEncoder().encodeToString(e.value()));
        if (e.leased()) {
            n.put("ttl", e.ttlSeconds());
        }
        return n.toString();
    }

    public static String trailerLine(ExportTrailer t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("end", V1);
        n.put("keys", t.keys());
        n.put("leased", t.leased());
        n.put("sha256", t.sha256());
        return n.toString();
    }

    /** Parses line {@code lineNo} as the header; {@link InvalidExportException} when it is not a v1 header. */
    public static ExportHeader parseHeader(long lineNo, String line) {
        JsonNode n = object(lineNo, line, "a kubelite export header");
        JsonNode format = n.get("format");
        if (format == null || !format.isTextual()) {
            throw new InvalidExportException(lineNo, "not a kubelite export header (no \"format\" field)");
        }
        if (!V1.equals(format.asText())) {
            throw new InvalidExportException(
                    lineNo, "unsupported format \"" + format.asText() + "\"; this kubelite reads " + V1);
        }
        String prefix = text(lineNo, n, "prefix");
        long revision = number(lineNo, n, "revision");
        JsonNode at = n.get("exportedAt");
        return new ExportHeader(V1, prefix, revision, at == null ? "" : at.asText());
    }

    /** True when the parsed line is the trailer rather than a key. */
    static boolean isTrailer(JsonNode n) {
        return n.has("end");
    }

    /** Parses a line that follows the header: a JSON object, either a key or the trailer. */
    static JsonNode parseBodyLine(long lineNo, String line) {
        return object(lineNo, line, "a key line or the trailer");
    }

    static ExportEntry entry(long lineNo, JsonNode n) {
        String key = text(lineNo, n, "key");
        String b64 = text(lineNo, n, "value");
        byte[] value;
        try {
            value = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new InvalidExportException(lineNo, "value of " + key + " is not valid base64: " + e.getMessage());
        }
        long ttl = 0;
        if (n.has("ttl")) {
            ttl = number(lineNo, n, "ttl");
            if (ttl <= 0) {
                throw new InvalidExportException(
                        lineNo, "ttl of " + key + " must be a positive number of seconds, got " + ttl);
            }
        }
        return new ExportEntry(key, value, ttl);
    }

    static ExportTrailer trailer(long lineNo, JsonNode n) {
        JsonNode end = n.get("end");
        if (!end.isTextual() || !V1.equals(end.asText())) {
            throw new InvalidExportException(lineNo, "trailer names format " + end + ", expected \"" + V1 + "\"");
        }
        return new ExportTrailer(number(lineNo, n, "keys"), number(lineNo, n, "leased"), text(lineNo, n, "sha256"));
    }

    private static JsonNode object(long lineNo, String line, String what) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidExportException(lineNo, "not JSON (expected " + what + "): " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidExportException(lineNo, "expected a JSON object (" + what + ")");
        }
        return n;
    }

    private static String text(long lineNo, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidExportException(lineNo, "missing or non-string field \"" + field + "\"");
        }
        return v.asText();
    }

    private static long number(long lineNo, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidExportException(lineNo, "missing or non-integer field \"" + field + "\"");
        }
        return v.asLong();
    }
}
