package io.kubelite.store.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Writes one {@link ExportFormat} file to a stream: {@link #header} once, {@link #entry}
 * per key, {@link #finish} last (which writes the trailer with the count and checksum).
 * A writer that never reaches {@code finish} leaves a file the reader rejects as
 * truncated. Does not close the stream. Not thread-safe.
 */
public final class ExportWriter {
    private final OutputStream out;
    private final MessageDigest sha256;
    private boolean headerWritten;
    private boolean finished;
    private long keys;
    private long leased;

    public ExportWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out);
        this.sha256 = newSha256();
    }

    public void header(ExportHeader h) throws IOException {
        if (headerWritten) {
            throw new IllegalStateException("header already written");
        }
        headerWritten = true;
        line(ExportFormat.headerLine(h));
    }

    public void entry(ExportEntry e) throws IOException {
        if (!headerWritten || finished) {
            throw new IllegalStateException("entries go between header and finish");
        }
        line(ExportFormat.entryLine(e));
        keys++;
        if (e.leased()) {
            leased++;
        }
    }

    /** Writes the trailer and flushes; returns it. */
    public ExportTrailer finish() throws IOException {
        if (!headerWritten || finished) {
            throw new IllegalStateException(finished ? "already finished" : "no header written");
        }
        finished = true;
        ExportTrailer t = new ExportTrailer(keys, leased, HexFormat.of().formatHex(sha256.digest()));
        out.write((ExportFormat.trailerLine(t) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return t;
    }

    private void line(String s) throws IOException {
        byte[] b = (s + "\n").getBytes(StandardCharsets.UTF_8);
        sha256.update(b);
        out.write(b);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
