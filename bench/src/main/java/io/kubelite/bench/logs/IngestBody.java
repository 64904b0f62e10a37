package io.kubelite.bench.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes a {@code POST /ingest} body (docs/logging.md's contract) for a batch: each stream's next
 * lines from its {@link BenchStream#nextSeq()}, {@code ts} as Unix-nanosecond strings. Streamed
 * with Jackson's generator so that the benchmark's own CPU stays small next to the store's.
 */
final class IngestBody {
    private static final JsonFactory JSON = new JsonFactory();

    private final SyntheticLog log;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    IngestBody(SyntheticLog log) {
        this.log = log;
    }

    /**
     * The body holding {@code perStream} lines of each of {@code streams} (their sequence numbers
     * are not advanced: do that once the store acknowledged), stamped from {@code tsNanos} upward.
     */
    byte[] build(BenchStream[] streams, int streamIndexBase, int perStream, long tsNanos) {
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("streams");
            for (int s = 0; s < streams.length; s++) {
                BenchStream st = streams[s];
                g.writeStartObject();
                g.writeStringField("namespace", st.namespace);
                g.writeStringField("pod", st.pod);
                g.writeStringField("podUID", st.podUID);
                g.writeStringField("container", st.container);
                g.writeStringField("node", st.node);
                g.writeNumberField("restartCount", 0);
                g.writeStringField("stream", "stdout");
                g.writeObjectFieldStart("podLabels");
                for (Map.Entry<String, String> e : st.podLabels.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeArrayFieldStart("lines");
                for (int i = 0; i < perStream; i++) {
                    long seq = st.nextSeq() + i;
                    g.writeStartObject();
                    g.writeStringField("ts", Long.toString(tsNanos + i));
                    g.writeNumberField("seq", seq);
                    g.writeStringField("line", log.line(lineId(streamIndexBase + s, seq)));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The text id of line {@code seq} of global stream {@code stream}: unique per line of the run. */
    static long lineId(int stream, long seq) {
        return ((long) stream << 36) + seq;
    }
}
