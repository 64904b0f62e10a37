package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.KubeVersion;
import io.kubelite.apiserver.aggregation.AggregatedApis;
import io.kubelite.kinds.ApiVersions;
import io.kubelite.kinds.Resource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /version} and discovery ({@code /api}, {@code /api/v1}, {@code /apis},
 * {@code /apis/<group>[/<version>]}), negotiated as kube-apiserver does: a client whose
 * {@code Accept} asks for {@code apidiscovery.k8s.io} {@code v2} (or {@code v2beta1})
 * {@code APIGroupDiscoveryList} on {@code /api} or {@code /apis} gets the aggregated
 * document ({@link AggregatedDiscovery}, what kubectl asks first), everyone else the legacy
 * documents ({@link LegacyDiscovery}). The served groups and versions come from the kind registry.
 */
final class Discovery {

    private final ServedKinds kinds;
    private final LegacyDiscovery legacy;
    private final AggregatedDiscovery aggregated;

    Discovery(ServedKinds kinds, AggregatedApis apis) {
        this.kinds = kinds;
        this.legacy = new LegacyDiscovery(kinds, apis);
        this.aggregated = new AggregatedDiscovery(kinds, apis);
    }

    ObjectNode version() {
        ObjectNode v = Codec.MAPPER.createObjectNode();
        v.put("major", KubeVersion.MAJOR);
        v.put("minor", KubeVersion.MINOR);
        v.put("gitVersion", KubeVersion.GIT_VERSION);
        v.put("gitCommit", "");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "1970-01-01T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
        return v;
    }

    /**
     * The groups and their versions: "" → [v1], "autoscaling" → [v2, v1], ...; each group's
     * versions in kube's priority order ({@link ApiVersions#PRIORITY}), so the first is the
     * group's preferred version, as kube-apiserver's discovery orders them.
     */
    static Map<String, Set<String>> groups(ServedKinds kinds) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Resource<? extends Message> r : kinds.resources()) {
            out.computeIfAbsent(r.group(), g -> new TreeSet<>(ApiVersions.PRIORITY))
                    .add(r.version());
        }
        return out;
    }

    /**
     * {@link #groups} and then the available aggregated group-versions ({@link AggregatedApis}):
     * a version of a group served here goes after its own versions, a group of its own after the
     * built-in groups, in kube's priority order.
     */
    static Map<String, Set<String>> allGroups(ServedKinds kinds, AggregatedApis apis) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        groups(kinds).forEach((g, vs) -> out.put(g, new java.util.LinkedHashSet<>(vs)));
        apis.groups().forEach((g, gvs) -> {
            Set<String> vs = out.computeIfAbsent(g, x -> new java.util.LinkedHashSet<>());
            gvs.forEach(gv -> vs.add(gv.version()));
        });
        return out;
    }

    /** 404 with the served versions when {@code group/version} is not served. */
    static void checkVersion(ServedKinds kinds, String group, String version) {
        Set<String> versions = groups(kinds).get(group);
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

    /** Answers a discovery path, aggregated when the client asks for it. */
    void serve(Request r, String path) {
        if (path.equals("/api") || path.equals("/apis")) {
            String version = AggregatedDiscovery.negotiate(r.http().getHeader("Accept"));
            if (version != null) {
                r.http().response().putHeader("Vary", "Accept");
                r.bytes(
                        200,
                        Codec.bytes(aggregated.list(path.equals("/api"), version)),
                        AggregatedDiscovery.contentType(version));
                return;
            }
        }
        var authority = r.http().authority();
        r.json(200, legacy.resolve(path, authority == null ? "" : authority.toString()));
    }
}
