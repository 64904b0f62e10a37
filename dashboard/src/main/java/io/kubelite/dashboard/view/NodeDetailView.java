package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node ({@code query.name()}): in the summary its Ready status, cordon, zone, the
 * kubelet-sim heartbeats annotation, each condition with status, reason, message and
 * lastTransitionTime, each taint with its timeAdded, and its Lease in {@code kube-node-lease}
 * (holder, renewTime, duration); as rows the pods bound to it in the query's namespace, each
 * with its status, owner kind and whether drain skips it (DaemonSet-managed or mirror pod).
 * A missing node is {@code found: false}, not an error: it may just have been deleted.
 */
final class NodeDetailView implements View {
    static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
    static final String HEARTBEATS_ANNOTATION = "sim.kubelite.io/heartbeats";

    private final ViewContext ctx;

    NodeDetailView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.NODES, ResourceType.PODS, ResourceType.LEASES);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        String name = query.name();
        ObjectNode summary = Json.object().put("name", name);
        Map<String, ObjectNode> items = new TreeMap<>();
        JsonNode node =
                name.isEmpty() ? null : ctx.caches().of(ResourceType.NODES).get(name);
        summary.put("found", node != null);
        if (node == null) {
            return new ViewModel(summary, items);
        }
        JsonNode meta = node.path("metadata");
        summary.put("ready", OverviewView.readiness(node))
                .put("unschedulable", node.path("spec").path("unschedulable").asBoolean(false))
                .put("zone", meta.path("labels").path(OverviewView.ZONE_LABEL).asText(""))
                .put(
                        "heartbeats",
                        meta.path("annotations").path(HEARTBEATS_ANNOTATION).asText(""))
                .put("created", meta.path("creationTimestamp").asText(""));
        ArrayNode conditions = summary.putArray("conditions");
        for (JsonNode c : node.path("status").path("conditions")) {
            conditions
                    .addObject()
                    .put("type", c.path("type").asText())
                    .put("status", c.path("status").asText())
                    .put("reason", c.path("reason").asText(""))
                    .put("message", c.path("message").asText(""))
                    .put("lastTransitionTime", c.path("lastTransitionTime").asText(""));
        }
        ArrayNode taints = summary.putArray("taints");
        for (JsonNode t : node.path("spec").path("taints")) {
            taints.addObject()
                    .put("key", t.path("key").asText())
                    .put("value", t.path("value").asText(""))
                    .put("effect", t.path("effect").asText())
                    .put("timeAdded", t.path("timeAdded").asText(""));
        }
        JsonNode lease = ctx.caches().of(ResourceType.LEASES).get(NODE_LEASE_NAMESPACE + "/" + name);
        if (lease == null) {
            summary.putNull("lease");
        } else {
            JsonNode spec = lease.path("spec");
            summary.putObject("lease")
                    .put("holderIdentity", spec.path("holderIdentity").asText(""))
                    .put("renewTime", spec.path("renewTime").asText(""))
                    .put(
                            "leaseDurationSeconds",
                            spec.path("leaseDurationSeconds").asInt(0));
        }
        for (JsonNode pod : ctx.caches().of(ResourceType.PODS).objects()) {
            if (!pod.path("spec").path("nodeName").asText("").equals(name)) {
                continue;
            }
            JsonNode pm = pod.path("metadata");
            String ns = pm.path("namespace").asText();
            if (!query.includes(ns)) {
                continue;
            }
            String owner = controllerKind(pod);
            items.put(
                    ns + "/" + pm.path("name").asText(),
                    Json.object()
                            .put("namespace", ns)
                            .put("name", pm.path("name").asText())
                            .put("phase", pod.path("status").path("phase").asText("Pending"))
                            .put("terminating", pm.has("deletionTimestamp"))
                            .put("ready", ControlPlaneView.podReady(pod))
                            .put("owner", owner)
                            .put("mirror", pm.path("annotations").has(MirrorPods.CONFIG_MIRROR))
                            .put("created", pm.path("creationTimestamp").asText("")));
        }
        summary.put("pods", items.size());
        return new ViewModel(summary, items);
    }

    /** The kind of the pod's controller owner ({@code ReplicaSet}, {@code DaemonSet}, ...), or "". */
    static String controllerKind(JsonNode pod) {
        for (JsonNode ref : pod.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref.path("kind").asText("");
            }
        }
        return "";
    }
}
