package io.kubelite.logstore.ingest;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /ingest}, as a node log agent sends it (JSON, field names as written
 * here; unknown fields are ignored so that newer agents can talk to older stores):
 * <pre>{@code
 * {"streams": [{
 *    "namespace": "shop", "pod": "web-0", "podUID": "8f0c…", "container": "web", "node": "node-1",
 *    "restartCount": 0, "stream": "stdout", "podLabels": {"app": "web"},
 *    "lines": [{"ts": "1733382000123456789", "seq": 41, "line": "GET / 200"}]}]}
 * }</pre>
 * A stream is the lines one container instance wrote to stdout or stderr. The instance is
 * identified by {@code podUID + container + restartCount}; {@code seq} numbers the instance's
 * lines, strictly increasing within each of its streams, in the order the agent read them. The
 * agent sends each stream's lines in {@code seq} order, one request per stream in flight at a
 * time (a batch that overtook an earlier one would make the earlier one's lines look like
 * duplicates), resending from the last acknowledged
 * sequence after a failure; the store keeps every line once (see {@link IngestResponse}).
 * {@code ts} is Unix time in nanoseconds as a decimal string (JSON numbers lose nanoseconds in
 * many parsers), or an RFC 3339 timestamp with up to nine fraction digits.
 */
public record IngestRequest(List<Stream> streams) {
    /** The metadata of one container instance's stdout or stderr, and its lines. */
    public record Stream(
            String namespace,
            String pod,
            String podUID,
            String container,
            String node,
            Integer restartCount,
            String stream,
            Map<String, String> podLabels,
            List<Line> lines) {}

    /** One line: its timestamp, its sequence number within the container instance, its text (no newline). */
    public record Line(String ts, Long seq, String line) {}
}
