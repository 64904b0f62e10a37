package io.kubelite.logstore.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.logstore.index.IndexedLine;
import io.kubelite.logstore.index.LogEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loki's JSON response shapes, written with Jackson's streaming generator:
 * <ul>
 *   <li>streams: {@code {"status":"success","data":{"resultType":"streams","result":[{"stream":{labels},
 *       "values":[["<unix nanos>","line"],...]}]}}}, each stream's values in the query's direction;
 *       asked for categorized labels (Loki 3's {@code X-Loki-Response-Encoding-Flags: categorize-labels}),
 *       each value has a third element {@code {"structuredMetadata":{"pod_uid":..,"restart_count":..}}}
 *       naming the container instance that wrote it, and {@code data.encodingFlags} says so;</li>
 *   <li>a list (labels, label values): {@code {"status":"success","data":[...]}};</li>
 *   <li>a tail message: {@code {"streams":[...],"dropped_entries":[{"labels":{},"timestamp":"<nanos>"}]}}.</li>
 * </ul>
 */
final class LokiJson {
    private final ObjectMapper mapper;

    LokiJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    byte[] streams(List<LogEntry> entries, boolean categorize) {
        // streams in order of their first line; lines keep the query's order within a stream
        Map<String, List<LogEntry>> byStream = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            byStream.computeIfAbsent(e.labelsJson(), k -> new ArrayList<>()).add(e);
        }
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeStringField("resultType", "streams");
            g.writeArrayFieldStart("result");
            for (Map.Entry<String, List<LogEntry>> s : byStream.entrySet()) {
                g.writeStartObject();
                g.writeFieldName("stream");
                g.writeRawValue(s.getKey()); // stored as the JSON object it is
                g.writeArrayFieldStart("values");
                for (LogEntry e : s.getValue()) {
                    if (categorize) {
                        categorizedValue(g, e);
                    } else {
                        value(g, e.tsNanos(), e.line());
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (categorize) {
                g.writeArrayFieldStart("encodingFlags");
                g.writeString(CATEGORIZE_LABELS);
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    byte[] list(Collection<String> values) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code /series}: {@code {"status":"success","data":[{labels},...]}}. */
    byte[] series(Collection<String> labelSets) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (String labels : labelSets) {
                g.writeRawValue(labels);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** A tail message; {@code dropped} are lines the client was too slow to receive. */
    byte[] tail(List<IndexedLine> lines, List<IndexedLine> dropped) {
        Map<String, List<IndexedLine>> byStream = new LinkedHashMap<>();
        for (IndexedLine l : lines) {
            byStream.computeIfAbsent(l.labelsJson(), k -> new ArrayList<>()).add(l);
        }
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("streams");
            for (Map.Entry<String, List<IndexedLine>> s : byStream.entrySet()) {
                g.writeStartObject();
                g.writeFieldName("stream");
                g.writeRawValue(s.getKey());
                g.writeArrayFieldStart("values");
                for (IndexedLine l : s.getValue()) {
                    value(g, l.tsNanos(), l.line());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!dropped.isEmpty()) {
                g.writeArrayFieldStart("dropped_entries");
                for (IndexedLine d : dropped) {
                    g.writeStartObject();
                    g.writeFieldName("labels");
                    g.writeRawValue(d.labelsJson());
                    g.writeStringField("timestamp", Long.toString(d.tsNanos()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    byte[] value(Object o) {
        try {
            return mapper.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The encoding flag that asks for per-line structured metadata. */
    static final String CATEGORIZE_LABELS = "categorize-labels";

    private static void categorizedValue(JsonGenerator g, LogEntry e) throws IOException {
        g.writeStartArray();
        g.writeString(Long.toString(e.tsNanos()));
        g.writeString(e.line());
        g.writeStartObject();
        if (e.podUid() != null) {
            g.writeObjectFieldStart("structuredMetadata");
            g.writeStringField("pod_uid", e.podUid());
            g.writeStringField("restart_count", Integer.toString(e.restartCount()));
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndArray();
    }

    private static void value(JsonGenerator g, long ts, String line) throws IOException {
        g.writeStartArray();
        g.writeString(Long.toString(ts));
        g.writeString(line);
        g.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
