package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code x-kubernetes-list-type} checks on a custom object's arrays
 * (apiextensions-apiserver's {@code listtype} validation): a {@code set} holds no value twice, a
 * {@code map} no two items with the same {@code x-kubernetes-list-map-keys}; each repeat is a
 * {@code Duplicate value} at its index. {@code atomic} lists (the default) may repeat.
 */
final class ListUniqueness {
    private ListUniqueness() {}

    static void check(JsonNode list, JsonNode schema, String path, FieldErrors errs) {
        String type = schema.path("x-kubernetes-list-type").asText("");
        if (type.equals("set")) {
            Set<JsonNode> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                if (!seen.add(item)) {
                    errs.duplicateRendered(path + "[" + i + "]", render(item));
                }
            }
        } else if (type.equals("map")) {
            Set<Map<String, JsonNode>> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                if (!item.isObject()) {
                    continue; // the items schema reports the type
                }
                Map<String, JsonNode> key = new LinkedHashMap<>();
                for (JsonNode k : schema.path("x-kubernetes-list-map-keys")) {
                    JsonNode value = item.get(k.asText());
                    if (value != null) {
                        key.put(k.asText(), value);
                    }
                }
                if (!seen.add(key)) {
                    errs.duplicateRendered(path + "[" + i + "]", goMap(key));
                }
            }
        }
    }

    /** As Go's %#v prints the key map kube reports: {@code map[string]interface {}{"name":"a"}}. */
    private static String goMap(Map<String, JsonNode> key) {
        StringBuilder b = new StringBuilder("map[string]interface {}{");
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : new java.util.TreeMap<>(key).entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            b.append('"').append(e.getKey()).append("\":").append(render(e.getValue()));
        }
        return b.append('}').toString();
    }

    private static String render(JsonNode v) {
        return v.toString();
    }
}
