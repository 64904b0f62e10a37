package io.kubelite.kubelet.logging;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One captured line as the spool keeps it: one JSON object per line of a spool segment, with
 * everything the log store needs, so shipping after a restart needs nothing but the spool.
 *
 * @param ts the line's time in Unix nanoseconds
 */
public record SpoolRecord(
        @JsonProperty("ns") String namespace,
        @JsonProperty("pod") String pod,
        @JsonProperty("uid") String podUid,
        @JsonProperty("c") String container,
        @JsonProperty("node") String node,
        @JsonProperty("rc") int restartCount,
        @JsonProperty("labels") Map<String, String> podLabels,
        @JsonProperty("stream") String stream,
        @JsonProperty("ts") long ts,
        @JsonProperty("seq") long seq,
        @JsonProperty("line") String line) {}
