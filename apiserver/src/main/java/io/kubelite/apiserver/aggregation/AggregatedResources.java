package io.kubelite.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backend's {@code APIResourceList} resources in the aggregated discovery form
 * ({@code apidiscovery.k8s.io/v2} {@code APIResourceDiscovery}), as kube's aggregator converts the
 * documents it fetches from backends that do not serve the aggregated form themselves: one entry
 * per resource, its {@code <resource>/<sub>} entries as its subresources.
 */
public final class AggregatedResources {
    private AggregatedResources() {}

    /** Appends the converted resources of {@code group/version}'s {@code list} to {@code out}. */
    public static void toDiscovery(String group, String version, ArrayNode list, ArrayNode out) {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (JsonNode r : list) {
            String name = r.path("name").asText();
            if (name.isEmpty() || name.contains("/")) {
                continue;
            }
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("resource", name);
            n.set("responseKind", kind(r, group, version));
            n.put("scope", r.path("namespaced").asBoolean() ? "Namespaced" : "Cluster");
            n.put("singularResource", r.path("singularName").asText());
            n.set("verbs", r.path("verbs").isArray() ? r.get("verbs") : JsonNodeFactory.instance.arrayNode());
            if (r.path("shortNames").isArray()) {
                n.set("shortNames", r.get("shortNames"));
            }
            if (r.path("categories").isArray()) {
                n.set("categories", r.get("categories"));
            }
            byName.put(name, n);
        }
        for (JsonNode r : list) {
            String name = r.path("name").asText();
            int slash = name.indexOf('/');
            ObjectNode parent = slash < 0 ? null : byName.get(name.substring(0, slash));
            if (parent == null) {
                continue;
            }
            ArrayNode subs = parent.has("subresources")
                    ? (ArrayNode) parent.get("subresources")
                    : parent.putArray("subresources");
            ObjectNode s = subs.addObject();
            s.put("subresource", name.substring(slash + 1));
            s.set("responseKind", kind(r, group, version));
            s.set("verbs", r.path("verbs").isArray() ? r.get("verbs") : JsonNodeFactory.instance.arrayNode());
        }
        byName.values().forEach(out::add);
    }

    private static ObjectNode kind(JsonNode r, String group, String version) {
        ObjectNode k = JsonNodeFactory.instance.objectNode();
        k.put("group", r.path("group").asText(group));
        k.put("version", r.path("version").asText(version));
        k.put("kind", r.path("kind").asText());
        return k;
    }
}
