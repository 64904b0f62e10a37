package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.apiserver.aggregation.AggregatedApis;
import io.kubelite.apiserver.aggregation.AggregatedResources;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Aggregated discovery ({@code apidiscovery.k8s.io/v2} and {@code v2beta1}
 * {@code APIGroupDiscoveryList}): every group with its versions and each version's
 * resources — verbs, scope, singular name, short names, categories, response kind and
 * subresources — in one document (the available aggregated group-versions' too, with the
 * resources their backends listed), so that kubectl needs one request for {@code /api} and
 * one for {@code /apis} instead of one per group-version. Built from the kind registry;
 * kube's {@code k8s.io/apiserver/pkg/endpoints/discovery/aggregated}.
 */
final class AggregatedDiscovery {
    static final String GROUP = "apidiscovery.k8s.io";

    private final ServedKinds kinds;
    private final AggregatedApis apis;

    AggregatedDiscovery(ServedKinds kinds, AggregatedApis apis) {
        this.kinds = kinds;
        this.apis = apis;
    }

    /**
     * The aggregated version ({@code v2} or {@code v2beta1}) the first acceptable media range
     * of {@code accept} asks for, or null when the client wants the legacy documents (its
     * first acceptable range is plain JSON, or it names no aggregated one).
     */
    static String negotiate(String accept) {
        if (accept == null) {
            return null;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.trim().split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals("application/json") && !type.equals("*/*") && !type.equals("application/*")) {
                continue;
            }
            String g = null;
            String v = null;
            String as = null;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    switch (kv[0].trim()) {
                        case "g" -> g = kv[1].trim();
                        case "v" -> v = kv[1].trim();
                        case "as" -> as = kv[1].trim();
                        default -> {}
                    }
                }
            }
            if (g == null && v == null && as == null) {
                return null; // plain JSON comes first: legacy
            }
            if (GROUP.equals(g) && "APIGroupDiscoveryList".equals(as) && ("v2".equals(v) || "v2beta1".equals(v))) {
                return v;
            }
        }
        return null;
    }

    /** kube-apiserver's Content-Type for the aggregated document of {@code version}. */
    static String contentType(String version) {
        return "application/json;g=" + GROUP + ";v=" + version + ";as=APIGroupDiscoveryList";
    }

    /** The document for {@code /api} ({@code core}: the core group only) or {@code /apis} (every other group). */
    ObjectNode list(boolean core, String version) {
        ObjectNode n = Codec.MAPPER.createObjectNode();
        n.put("kind", "APIGroupDiscoveryList");
        n.put("apiVersion", GROUP + "/" + version);
        n.putObject("metadata");
        ArrayNode items = n.putArray("items");
        for (Map.Entry<String, Set<String>> g : Discovery.allGroups(kinds, apis).entrySet()) {
            if (g.getKey().isEmpty() == core) {
                items.add(group(g.getKey(), g.getValue()));
            }
        }
        return n;
    }

    private ObjectNode group(String group, Set<String> versions) {
        ObjectNode g = Codec.MAPPER.createObjectNode();
        ObjectNode meta = g.putObject("metadata");
        if (!group.isEmpty()) {
            meta.put("name", group);
        }
        meta.putNull("creationTimestamp");
        ArrayNode vs = g.putArray("versions");
        for (String v : versions) {
            ObjectNode vn = vs.addObject();
            vn.put("version", v);
            ArrayNode rs = vn.putArray("resources");
            for (Kind<? extends Message> k : kinds.all()) {
                Resource<? extends Message> r = k.resource();
                if (r.group().equals(group) && r.version().equals(v)) {
                    rs.add(resource(k));
                }
            }
            if (rs.isEmpty()) {
                apis.groups().getOrDefault(group, List.of()).stream()
                        .filter(gv -> gv.version().equals(v))
                        .findFirst()
                        .ifPresent(gv -> AggregatedResources.toDiscovery(group, v, gv.resources(), rs));
            }
            vn.put("freshness", "Current");
        }
        return g;
    }

    private static ObjectNode resource(Kind<? extends Message> k) {
        Resource<? extends Message> r = k.resource();
        ObjectNode n = Codec.MAPPER.createObjectNode();
        n.put("resource", r.plural());
        n.set("responseKind", kind(r.group(), r.version(), r.kind()));
        n.put("scope", r.namespaced() ? "Namespaced" : "Cluster");
        n.put("singularResource", r.kind().toLowerCase(Locale.ROOT));
        ArrayNode verbs = n.putArray("verbs");
        k.verbs().forEach(verbs::add);
        if (!r.shortNames().isEmpty()) {
            ArrayNode sn = n.putArray("shortNames");
            r.shortNames().forEach(sn::add);
        }
        if (!k.categories().isEmpty()) {
            ArrayNode cn = n.putArray("categories");
            k.categories().forEach(cn::add);
        }
        if (!k.subresources().isEmpty()) {
            ArrayNode subs = n.putArray("subresources");
            // kube lists a resource's subresources alphabetically
            for (Subresource s : k.subresources().stream()
                    .sorted(Comparator.comparing(Subresource::name))
                    .toList()) {
                ObjectNode sn = subs.addObject();
                sn.put("subresource", s.name());
                sn.set(
                        "responseKind",
                        s.kind().isEmpty()
                                ? kind(r.group(), r.version(), r.kind())
                                : kind(s.group(), s.version(), s.kind()));
                ArrayNode sv = sn.putArray("verbs");
                s.verbs().forEach(sv::add);
            }
        }
        return n;
    }

    private static ObjectNode kind(String group, String version, String kind) {
        ObjectNode n = Codec.MAPPER.createObjectNode();
        n.put("group", group);
        n.put("version", version);
        n.put("kind", kind);
        return n;
    }
}
