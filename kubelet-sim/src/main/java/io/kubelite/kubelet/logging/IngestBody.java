package io.kubelite.kubelet.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code POST /ingest} body made of spool records: lines grouped by stream (instance and
 * output stream) with their metadata, in spool order (docs/logging.md's ingestion contract).
 *
 * @param payload the JSON body
 * @param lines the lines in it
 * @param unreadable records that were not spool JSON (torn by a crash mid-write) and were skipped
 */
record IngestBody(byte[] payload, int lines, long unreadable) {
    static IngestBody of(List<byte[]> records, ObjectMapper json) {
        int lines = 0;
        long unreadable = 0;
        Map<List<Object>, ArrayNode> streams = new LinkedHashMap<>();
        ObjectNode body = json.createObjectNode();
        ArrayNode streamArray = body.putArray("streams");
        for (byte[] raw : records) {
            SpoolRecord r;
            try {
                r = json.readValue(raw, SpoolRecord.class);
            } catch (IOException e) {
                unreadable++;
                continue;
            }
            ArrayNode streamLines = streams.computeIfAbsent(
                    List.of(r.podUid(), r.container(), r.restartCount(), r.stream()),
                    k -> stream(streamArray.addObject(), r));
            if (!streamLines.isEmpty()
                    && streamLines.get(streamLines.size() - 1).get("seq").asLong() >= r.seq()) {
                // a program replayed after a restart writes its lines again at the same positions:
                // already sent (or stored), and one request must not hold a seq twice
                continue;
            }
            ObjectNode line = streamLines.addObject();
            line.put("ts", Long.toString(r.ts())); // a string: JSON numbers lose nanoseconds in many parsers
            line.put("seq", r.seq());
            line.put("line", r.line());
            lines++;
        }
        try {
            return new IngestBody(json.writeValueAsBytes(body), lines, unreadable);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an ingest request", e);
        }
    }

    /** Fills a stream's metadata; returns its (empty) lines. */
    private static ArrayNode stream(ObjectNode s, SpoolRecord r) {
        s.put("namespace", r.namespace());
        s.put("pod", r.pod());
        s.put("podUID", r.podUid());
        s.put("container", r.container());
        s.put("node", r.node());
        s.put("restartCount", r.restartCount());
        s.put("stream", r.stream());
        ObjectNode labels = s.putObject("podLabels");
        r.podLabels().forEach(labels::put);
        return s.putArray("lines");
    }
}
