package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.store.runtime.mirror.ProcessMirrorPod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The control plane as kubelite shows it in {@code kube-system}: one row per component (the
 * {@code component} label of the mirror pods every kubelite process and etcd member publishes),
 * with its replicas and their readiness; for a leader-elected component its {@code
 * coordination.k8s.io} Lease (holder, renew time, duration, transitions) and the fencing token
 * the leader writes into it ({@code kubelite.io/leader-token}); for etcd each member's id, raft
 * leader and learner flags. The Lease names the election ({@code scheduler}); its component is
 * {@code kube-scheduler}, and the leading replica is the mirror pod named for the holder's
 * identity. The summary carries the highest resourceVersion among the objects shown, which is an
 * etcd revision no later than the current one (the API server does not serve etcd's own).
 *
 * <p>Everything shown lives in {@code kube-system}: for any other namespace filter the view is
 * empty and says so, so a user who may list pods only elsewhere sees nothing of kube-system.
 */
final class ControlPlaneView implements View {
    static final String NAMESPACE = MirrorPods.NAMESPACE;
    static final String TOKEN_ANNOTATION = "kubelite.io/leader-token";
    static final String ETCD_MEMBER_ID = "kubelite.io/etcd-member-id";
    static final String ETCD_LEADER = "kubelite.io/etcd-leader";
    static final String ETCD_LEARNER = "kubelite.io/etcd-learner";

    /** Display order: the control plane first, then node agents, then add-ons, then etcd. */
    private static final List<String> ORDER = List.of(
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
            "kubelet-sim",
            "kube-dns",
            "kube-proxy",
            "kube-metrics-server",
            "kube-log-store",
            "kube-dashboard",
            "etcd");

    private final ViewContext ctx;

    ControlPlaneView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "control-plane";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.PODS, ResourceType.LEASES);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        ObjectNode summary = Json.object().put("namespace", NAMESPACE);
        Map<String, ObjectNode> items = new LinkedHashMap<>();
        if (!query.includes(NAMESPACE)) {
            summary.put("outsideFilter", true);
            return new ViewModel(summary, items);
        }
        long highestRv = 0;
        Map<String, List<JsonNode>> byComponent = new TreeMap<>();
        for (JsonNode pod : ctx.caches().of(ResourceType.PODS).objects()) {
            JsonNode meta = pod.path("metadata");
            if (!meta.path("namespace").asText().equals(NAMESPACE)
                    || !meta.path("annotations").has(MirrorPods.CONFIG_MIRROR)) {
                continue;
            }
            String component = meta.path("labels").path("component").asText("");
            if (component.isEmpty()) {
                continue;
            }
            byComponent.computeIfAbsent(component, c -> new ArrayList<>()).add(pod);
            highestRv = Math.max(highestRv, resourceVersion(pod));
        }
        Map<String, JsonNode> leaseByComponent = new TreeMap<>();
        for (JsonNode lease : ctx.caches().of(ResourceType.LEASES).objects()) {
            JsonNode meta = lease.path("metadata");
            if (!meta.path("namespace").asText().equals(NAMESPACE)) {
                continue;
            }
            leaseByComponent.put(ProcessMirrorPod.component(meta.path("name").asText()), lease);
            highestRv = Math.max(highestRv, resourceVersion(lease));
        }
        List<String> components = new ArrayList<>();
        for (String c : ORDER) {
            if (byComponent.containsKey(c) || leaseByComponent.containsKey(c)) {
                components.add(c);
            }
        }
        for (String c : byComponent.keySet()) {
            if (!components.contains(c)) {
                components.add(c);
            }
        }
        for (String c : leaseByComponent.keySet()) {
            if (!components.contains(c)) {
                components.add(c);
            }
        }
        for (String component : components) {
            items.put(
                    component,
                    row(component, byComponent.getOrDefault(component, List.of()), leaseByComponent.get(component)));
        }
        summary.put("components", items.size());
        if (highestRv > 0) {
            summary.put("highestResourceVersion", highestRv);
        }
        return new ViewModel(summary, items);
    }

    private static ObjectNode row(String component, List<JsonNode> pods, JsonNode lease) {
        String holderPod = null;
        ObjectNode row = Json.object().put("component", component);
        if (lease != null) {
            JsonNode spec = lease.path("spec");
            String holder = spec.path("holderIdentity").asText("");
            ObjectNode l = row.putObject("lease")
                    .put("name", lease.path("metadata").path("name").asText())
                    .put("holderIdentity", holder)
                    .put("renewTime", spec.path("renewTime").asText(""))
                    .put("acquireTime", spec.path("acquireTime").asText(""))
                    .put(
                            "leaseDurationSeconds",
                            spec.path("leaseDurationSeconds").asInt(0))
                    .put("leaseTransitions", spec.path("leaseTransitions").asInt(0));
            String token = lease.path("metadata")
                    .path("annotations")
                    .path(TOKEN_ANNOTATION)
                    .asText("");
            if (!token.isEmpty()) {
                l.put("fencingToken", token);
            }
            if (!holder.isEmpty()) {
                holderPod = component + "-" + MirrorPods.nameSegment(holder);
            }
        } else {
            row.putNull("lease");
        }
        pods.sort((a, b) -> a.path("metadata")
                .path("name")
                .asText()
                .compareTo(b.path("metadata").path("name").asText()));
        ArrayNode replicas = row.putArray("replicas");
        int ready = 0;
        for (JsonNode pod : pods) {
            JsonNode meta = pod.path("metadata");
            String name = meta.path("name").asText();
            boolean isReady = podReady(pod);
            ready += isReady ? 1 : 0;
            ObjectNode r = replicas.addObject()
                    .put("name", name)
                    .put("ready", isReady)
                    .put("host", pod.path("spec").path("nodeName").asText(""))
                    .put(
                            "started",
                            pod.path("status")
                                    .path("startTime")
                                    .asText(meta.path("creationTimestamp").asText("")))
                    .put("leader", name.equals(holderPod));
            String notReady = notReadyMessage(pod);
            if (!isReady && !notReady.isEmpty()) {
                r.put("message", notReady);
            }
            JsonNode annotations = meta.path("annotations");
            if (annotations.has(ETCD_MEMBER_ID)) {
                ObjectNode etcd = r.putObject("etcd")
                        .put("memberId", annotations.path(ETCD_MEMBER_ID).asText());
                if (annotations.has(ETCD_LEADER)) {
                    etcd.put("leader", annotations.path(ETCD_LEADER).asText().equals("true"));
                } else {
                    etcd.putNull("leader"); // it did not answer: unknown
                }
                etcd.put("learner", annotations.path(ETCD_LEARNER).asText().equals("true"));
                String image = pod.path("spec")
                        .path("containers")
                        .path(0)
                        .path("image")
                        .asText("");
                int colon = image.lastIndexOf(':');
                etcd.put("version", colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "");
            }
        }
        row.put("ready", ready);
        return row;
    }

    static boolean podReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static String notReadyMessage(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("message").asText("");
            }
        }
        return "";
    }

    private static long resourceVersion(JsonNode object) {
        try {
            return Long.parseLong(
                    object.path("metadata").path("resourceVersion").asText("0"));
        } catch (NumberFormatException e) {
            return 0; // resourceVersions are opaque to clients; kubelite's are etcd revisions
        }
    }
}
