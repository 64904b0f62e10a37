package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>[/<version>]}. */
final class Discovery {
    static final String GIT_VERSION = "v1.31.0-kubelite";
    private static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    ObjectNode version() {
        ObjectNode v = Codec.MAPPER.createObjectNode();
        v.put("major", "1");
        v.put("minor", "31");
        v.put("gitVersion", GIT_VERSION);
        v.put("gitCommit", "");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "1970-01-01T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
        return v;
    }

    /** The groups and their versions: "" → [v1], "apps" → [v1], ... */
    static Map<String, Set<String>> groups() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Resource<? extends Message> r : Kinds.resources()) {
            out.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
        }
        return out;
    }

    /** 404 with the served versions when {@code group/version} is not served. */
    static void checkVersion(String group, String version) {
        Set<String> versions = groups().get(group);
        if (versions == null) {
            throw ApiException.of(
                    404,
                    "NotFound",
                    "the server could not find the requested resource (API group \"" + group + "\" is not served)");
        }
        if (!versions.contains(version)) {
            String gv = group.isEmpty() ? version : group + "/" + version;
            throw ApiException.of(
                    404,
                    "NotFound",
                    "the server could not find the requested resource (" + gv
                            + " is not served; served versions of " + (group.isEmpty() ? "the core group" : group)
                            + ": "
                            + String.join(", ", versions) + ")");
        }
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
            groups().forEach((g, vs) -> {
                if (!g.isEmpty()) {
                    a.add(group(g, vs));
                }
            });
            return n;
        }
        String[] s = path.substring(1).split("/");
        if (s[0].equals("api") && s.length == 2) {
            checkVersion("", s[1]);
            return resourceList("", s[1]);
        }
        if (s[0].equals("apis") && s.length == 2) {
            Set<String> vs = groups().get(s[1]);
            if (vs == null || s[1].isEmpty()) {
                throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
            }
            return group(s[1], vs);
        }
        if (s[0].equals("apis") && s.length == 3) {
            checkVersion(s[1], s[2]);
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
        for (Kind<? extends Message> k : Kinds.all()) {
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
            VERBS.forEach(verbs::add);
            if (!r.shortNames().isEmpty()) {
                ArrayNode sn = rn.putArray("shortNames");
                r.shortNames().forEach(sn::add);
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
