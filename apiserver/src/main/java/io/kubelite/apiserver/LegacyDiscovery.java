package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.apiserver.aggregation.AggregatedApis;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.Comparator;
import java.util.Set;

/**
 * Discovery as clients that do not ask for the aggregated document see it: {@code /api}
 * ({@code APIVersions}), {@code /apis} ({@code APIGroupList}), {@code /apis/<group>}
 * ({@code APIGroup}) and {@code /api/v1}, {@code /apis/<group>/<version>}
 * ({@code APIResourceList}), built from the kind registry, and the available aggregated
 * group-versions' groups ({@link AggregatedApis}; their resource lists are the backends' own, proxied).
 */
final class LegacyDiscovery {
    private final ServedKinds kinds;
    private final AggregatedApis apis;

    LegacyDiscovery(ServedKinds kinds, AggregatedApis apis) {
        this.kinds = kinds;
        this.apis = apis;
    }

    ObjectNode resolve(String path, String host) {
        if (path.equals("/api")) {
            ObjectNode n = Codec.MAPPER.createObjectNode();
            n.put("kind", "APIVersions");
            n.putArray("versions").add("v1");
            ObjectNode cidr = n.putArray("serverAddressByClientCIDRs").addObject();
            cidr.put("clientCIDR", "0.0.0.0/0");
            cidr.put("serverAddress", host == null ? "" : host);
            return n;
        }
        if (path.equals("/apis")) {
            ObjectNode n = Codec.MAPPER.createObjectNode();
            n.put("kind", "APIGroupList");
            n.put("apiVersion", "v1");
            ArrayNode a = n.putArray("groups");
            Discovery.allGroups(kinds, apis).forEach((g, vs) -> {
                if (!g.isEmpty()) {
                    a.add(group(g, vs));
                }
            });
            return n;
        }
        String[] s = path.substring(1).split("/");
        if (s[0].equals("api") && s.length == 2) {
            Discovery.checkVersion(kinds, "", s[1]);
            return resourceList("", s[1]);
        }
        if (s[0].equals("apis") && s.length == 2) {
            Set<String> vs = Discovery.allGroups(kinds, apis).get(s[1]);
            if (vs == null || s[1].isEmpty()) {
                throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
            }
            return group(s[1], vs);
        }
        if (s[0].equals("apis") && s.length == 3) {
            Discovery.checkVersion(kinds, s[1], s[2]);
            return resourceList(s[1], s[2]);
        }
        throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
    }

    private ObjectNode group(String g, Set<String> versions) {
        ObjectNode n = Codec.MAPPER.createObjectNode();
        n.put("kind", "APIGroup");
        n.put("apiVersion", "v1");
        n.put("name", g);
        ArrayNode a = n.putArray("versions");
        for (String v : versions) {
            ObjectNode vn = a.addObject();
            vn.put("groupVersion", g + "/" + v);
            vn.put("version", v);
        }
        String preferred = versions.iterator().next();
        ObjectNode p = n.putObject("preferredVersion");
        p.put("groupVersion", g + "/" + preferred);
        p.put("version", preferred);
        return n;
    }

    private ObjectNode resourceList(String group, String version) {
        ObjectNode n = Codec.MAPPER.createObjectNode();
        n.put("kind", "APIResourceList");
        n.put("apiVersion", "v1");
        n.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode a = n.putArray("resources");
        for (Kind<? extends Message> k : kinds.all()) {
            Resource<? extends Message> r = k.resource();
            if (!r.group().equals(group) || !r.version().equals(version)) {
                continue;
            }
            ObjectNode rn = a.addObject();
            rn.put("name", r.plural());
            rn.put("singularName", r.kind().toLowerCase());
            rn.put("namespaced", r.namespaced());
            rn.put("kind", r.kind());
            ArrayNode verbs = rn.putArray("verbs");
            k.verbs().forEach(verbs::add);
            if (!r.shortNames().isEmpty()) {
                ArrayNode sn = rn.putArray("shortNames");
                r.shortNames().forEach(sn::add);
            }
            if (!k.categories().isEmpty()) {
                ArrayNode cn = rn.putArray("categories");
                k.categories().forEach(cn::add);
            }
            // kube lists a resource's subresources alphabetically
            for (Subresource sub : k.subresources().stream()
                    .sorted(Comparator.comparing(Subresource::name))
                    .toList()) {
                ObjectNode sr = a.addObject();
                sr.put("name", r.plural() + "/" + sub.name());
                sr.put("singularName", "");
                sr.put("namespaced", r.namespaced());
                if (!sub.group().isEmpty()) {
                    sr.put("group", sub.group());
                }
                if (!sub.version().isEmpty() && !sub.group().isEmpty()) {
                    sr.put("version", sub.version());
                }
                sr.put("kind", sub.kind().isEmpty() ? r.kind() : sub.kind());
                ArrayNode sv = sr.putArray("verbs");
                sub.verbs().forEach(sv::add);
            }
        }
        return n;
    }
}
