package io.kubelite.apiserver.aggregation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kubelite.api.APIService;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The group-versions this API server proxies, as discovery and the proxy see them: an APIService
 * by group and version (from the APIService watch cache), and for each available one the resources
 * its backend listed at {@code /apis/<group>/<version>} at the last availability check. Discovery
 * lists only group-versions with such a list (available at the last check), in kube's order:
 * groups by their highest {@code groupPriorityMinimum}, then name; versions by
 * {@code versionPriority}, then name. Thread-safe.
 */
public final class AggregatedApis {
    /** An available aggregated group-version and the resources (APIResourceList items) its backend lists. */
    public record GroupVersion(
            String group, String version, int groupPriority, int versionPriority, ArrayNode resources) {}

    private final WatchCache<APIService> apiServices;
    private final Map<String, GroupVersion> discovered = new ConcurrentHashMap<>();

    public AggregatedApis(WatchCache<APIService> apiServices) {
        this.apiServices = apiServices;
    }

    /** The non-local APIService registering {@code group/version}, or null. */
    public APIService remote(String group, String version) {
        WatchCache.Entry<APIService> e = apiServices.get(null, version + "." + group);
        return e == null || APIServiceKind.isLocal(e.object()) ? null : e.object();
    }

    /** The available aggregated groups and their versions, in discovery order. */
    public Map<String, List<GroupVersion>> groups() {
        Map<String, Integer> groupPriority = new ConcurrentHashMap<>();
        for (GroupVersion gv : discovered.values()) {
            groupPriority.merge(gv.group(), gv.groupPriority(), Math::max);
        }
        Map<String, List<GroupVersion>> out = new LinkedHashMap<>();
        discovered.values().stream()
                .sorted(Comparator.comparing((GroupVersion gv) -> -groupPriority.get(gv.group()))
                        .thenComparing(GroupVersion::group)
                        .thenComparing(gv -> -gv.versionPriority())
                        .thenComparing(GroupVersion::version))
                .forEach(gv -> out.computeIfAbsent(gv.group(), g -> new java.util.ArrayList<>())
                        .add(gv));
        return out;
    }

    void available(APIService a, ArrayNode resources) {
        var spec = a.getSpec();
        discovered.put(
                a.getMetadata().getName(),
                new GroupVersion(
                        spec.getGroup(),
                        spec.getVersion(),
                        spec.getGroupPriorityMinimum(),
                        spec.getVersionPriority(),
                        resources));
    }

    void unavailable(String name) {
        discovered.remove(name);
    }

    void retain(java.util.Set<String> names) {
        discovered.keySet().retainAll(names);
    }
}
