package io.kubelite.dashboard.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.view.Json;
import io.kubelite.dashboard.view.ViewModel;
import java.util.Map;

/**
 * The difference between two renders of a view, as the browser applies it: the summary when it
 * changed, rows new or changed ({@code upserts}, by key) and keys gone ({@code removals}).
 */
public final class ViewDiff {
    private ViewDiff() {}

    /** The patch from {@code before} to {@code after}, or null when nothing differs. */
    static ObjectNode between(ViewModel before, ViewModel after) {
        ObjectNode patch = Json.object();
        ObjectNode upserts = Json.object();
        ArrayNode removals = Json.MAPPER.createArrayNode();
        for (Map.Entry<String, ObjectNode> e : after.items().entrySet()) {
            ObjectNode old = before.items().get(e.getKey());
            if (old == null || !old.equals(e.getValue())) {
                upserts.set(e.getKey(), e.getValue());
            }
        }
        for (String key : before.items().keySet()) {
            if (!after.items().containsKey(key)) {
                removals.add(key);
            }
        }
        boolean summaryChanged = !before.summary().equals(after.summary());
        if (upserts.isEmpty() && removals.isEmpty() && !summaryChanged) {
            return null;
        }
        if (summaryChanged) {
            patch.set("summary", after.summary());
        }
        patch.set("upserts", upserts);
        patch.set("removals", removals);
        return patch;
    }

    /** The whole model as JSON text, for a one-shot answer. */
    public static String snapshotJson(ViewModel model) {
        return snapshot(model).toString();
    }

    /** The whole model as the stream's first event. */
    static ObjectNode snapshot(ViewModel model) {
        ObjectNode s = Json.object();
        s.set("summary", model.summary());
        ObjectNode items = s.putObject("items");
        model.items().forEach(items::set);
        return s;
    }
}
