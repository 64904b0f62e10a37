package io.kubelite.logstore.index;

/**
 * One stored line as a query returns it: its stream's labels (as JSON, see {@link LogFields}),
 * time and text, and the container instance that wrote it ({@code podUid} null and
 * {@code restartCount} -1 for lines stored before the store kept them).
 */
public record LogEntry(String labelsJson, long tsNanos, String line, String podUid, int restartCount) {
    /** A line without instance metadata. */
    public LogEntry(String labelsJson, long tsNanos, String line) {
        this(labelsJson, tsNanos, line, null, -1);
    }
}
