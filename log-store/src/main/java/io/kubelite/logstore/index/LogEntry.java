package io.kubelite.logstore.index;

/** One stored line as a query returns it: its stream's labels (as JSON, see {@link LogFields}), time and text. */
public record LogEntry(String labelsJson, long tsNanos, String line) {}
