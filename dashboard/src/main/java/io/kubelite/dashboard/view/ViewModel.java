package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What a {@link View} renders: a summary object (counts, flags) and rows keyed by a stable key
 * (usually {@code namespace/name}), in display order. Sent whole as a snapshot, then as
 * differences (upserted and removed keys).
 */
public record ViewModel(ObjectNode summary, Map<String, ObjectNode> items) {}
