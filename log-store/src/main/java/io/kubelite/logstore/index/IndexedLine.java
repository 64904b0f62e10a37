package io.kubelite.logstore.index;

import java.util.Map;

/** A line that a commit made durable: what live tails receive. */
public record IndexedLine(Map<String, String> labels, String labelsJson, long tsNanos, String line) {}
