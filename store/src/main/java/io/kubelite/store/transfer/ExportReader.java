package io.kubelite.store.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.api.Envelope;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ObjectCodec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a whole {@link ExportFormat} file and validates all of it before returning:
 * the header's format, every key line (a well-formed relative key, base64 that decodes
 * to a kubelite Envelope of a known type matching the key's resource, a positive ttl,
 * no key twice), and the trailer (present, last, with the right count and SHA-256).
 * Any problem is an {@link InvalidExportException} naming the line. The file is held
 * in memory: a kubelite data set is bounded by etcd's own size limit (a few GiB).
 */
public final class ExportReader {
    private ExportReader() {}

    public static ExportFile read(InputStream in) throws IOException {
        LineSource src = new LineSource(in);
        MessageDigest sha256 = ExportWriter.newSha256();
        Line first = src.next();
        if (first == null) {
            throw new InvalidExportException(0, "empty input: not a kubelite export");
        }
        ExportHeader header = ExportFormat.parseHeader(1, text(1, first));
        sha256.update(first.raw());
        List<ExportEntry> entries = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        ExportTrailer trailer = null;
        long lineNo = 1;
        for (Line l = src.next(); l != null; l = src.next()) {
            lineNo++;
            if (trailer != null) {
                throw new InvalidExportException(
                        lineNo, "data after the trailer (line " + (lineNo - 1) + " ended the export)");
            }
            JsonNode n;
            try {
                n = ExportFormat.parseBodyLine(lineNo, text(lineNo, l));
            } catch (InvalidExportException e) {
                if (!l.terminated()) {
                    throw new InvalidExportException(lineNo, "the file ends in the middle of this line (truncated)");
                }
                throw e;
            }
            if (ExportFormat.isTrailer(n)) {
                trailer = ExportFormat.trailer(lineNo, n);
                checkTrailer(lineNo, trailer, entries, HexFormat.of().formatHex(sha256.digest()));
                continue;
            }
            sha256.update(l.raw());
            ExportEntry e = ExportFormat.entry(lineNo, n);
            checkKey(lineNo, e);
            Long previous = seen.putIfAbsent(e.key(), lineNo);
            if (previous != null) {
                throw new InvalidExportException(
                        lineNo, "key " + e.key() + " appears twice (first on line " + previous + ")");
            }
            entries.add(e);
        }
        if (trailer == null) {
            throw new InvalidExportException(
                    0,
                    "truncated: the export ends after line " + lineNo + " without its trailer (" + entries.size()
                            + " keys read)");
        }
        return new ExportFile(header, entries, trailer);
    }

    private static String text(long lineNo, Line l) {
        if (l.text() == null) {
            throw new InvalidExportException(lineNo, "not UTF-8 text (the file is damaged or not an export)");
        }
        return l.text();
    }

    private static void checkTrailer(long lineNo, ExportTrailer t, List<ExportEntry> entries, String actualSha) {
        if (t.keys() != entries.size()) {
            throw new InvalidExportException(
                    lineNo,
                    "the trailer counts " + t.keys() + " keys but the file holds " + entries.size()
                            + " (lines lost or added)");
        }
        long leased = entries.stream().filter(ExportEntry::leased).count();
        if (t.leased() != leased) {
            throw new InvalidExportException(
                    lineNo, "the trailer counts " + t.leased() + " keys with a ttl but the file holds " + leased);
        }
        if (!t.sha256().equalsIgnoreCase(actualSha)) {
            throw new InvalidExportException(
                    lineNo,
                    "checksum mismatch: the file was changed or damaged after export " + "(trailer sha256 " + t.sha256()
                            + ", content " + actualSha + ")");
        }
    }

    /** The key must look like {@code <plural>/<ns>/<name>} or {@code <plural>/<name>} and hold that resource. */
    private static void checkKey(long lineNo, ExportEntry e) {
        String key = e.key();
        if (key.isEmpty() || key.startsWith("/")) {
            throw new InvalidExportException(
                    lineNo, "key \"" + key + "\" must be relative to the prefix (no leading '/')");
        }
        String[] parts = key.split("/", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                throw new InvalidExportException(lineNo, "key \"" + key + "\" has an empty or relative path segment");
            }
        }
        Envelope env;
        try {
            env = ObjectCodec.envelope(key, e.value());
            ObjectCodec.decodeAny(key, e.value(), 0); // the object itself must parse, not just its envelope
        } catch (CorruptException ce) {
            throw new InvalidExportException(lineNo, ce.getMessage());
        }
        Optional<Resource<? extends Message>> r = Kinds.byKind(env.getApiVersion(), env.getKind());
        // decodeAny succeeded, so the kind is known
        Resource<? extends Message> res = r.orElseThrow();
        int want = res.namespaced() ? 3 : 2;
        if (!parts[0].equals(res.plural()) || parts.length != want) {
            throw new InvalidExportException(
                    lineNo,
                    "key " + key + " holds a " + env.getApiVersion() + " " + env.getKind() + ", which belongs at "
                            + res.plural() + (res.namespaced() ? "/<namespace>/<name>" : "/<name>"));
        }
    }

    private record Line(byte[] raw, String text, boolean terminated) {}

    /** Splits the stream on '\n', keeping each line's exact bytes for the checksum. */
    private static final class LineSource {
        private final InputStream in;

        LineSource(InputStream in) {
            this.in = new BufferedInputStream(in, 1 << 16);
        }

        Line next() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
            int b;
            while ((b = in.read()) != -1) {
                buf.write(b);
                if (b == '\n') {
                    byte[] raw = buf.toByteArray();
                    return new Line(raw, utf8(raw, raw.length - 1), true);
                }
            }
            if (buf.size() == 0) {
                return null;
            }
            byte[] raw = buf.toByteArray();
            return new Line(raw, utf8(raw, raw.length), false);
        }

        private static String utf8(byte[] raw, int len) {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw, 0, len))
                        .toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
    }
}
