package io.kubelite.logstore.ingest;

import java.util.List;

/**
 * What {@code POST /ingest} answers with status 200, once every line of the batch is durably
 * stored: one entry per request stream, in the request's order.
 *
 * <p>{@code storedSeq} is the highest sequence number stored for that container instance and
 * stream (-1 when none): an agent that restarts resumes after it, and resending anything at or
 * below it stores nothing new ({@code duplicates} counts those). {@code tooOld} counts lines
 * older than the retention period: they are acknowledged but not stored, so the agent must not
 * resend them.
 */
public record IngestResponse(List<StreamAck> streams) {
    /** The outcome for one request stream. */
    public record StreamAck(
            String podUID,
            String container,
            int restartCount,
            String stream,
            long storedSeq,
            int accepted,
            int duplicates,
            int tooOld) {}
}
