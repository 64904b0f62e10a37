package io.kubelite.logstore.ingest;

import java.util.Map;

/**
 * One validated request stream, ready to index: its instance key, its stream labels (as queries
 * see them), and its lines sorted by sequence number. Arrays are owned by this batch and not
 * changed after construction.
 */
public record StreamBatch(InstanceKey key, Map<String, String> labels, long[] tsNanos, long[] seqs, String[] lines) {
    public int size() {
        return seqs.length;
    }
}
