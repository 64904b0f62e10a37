package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One pod in detail (view parameter {@code name}, in the query's namespace): the summary holds
 * the pod (phase, node, IPs, QoS class, controller owner, labels, conditions with reason, message
 * and lastTransitionTime, init and app containers with states, probes and resources), the rows are
 * its Events, newest first, as {@code kubectl describe pod} finds them (involvedObject is this pod:
 * kind Pod, same namespace and name, and the pod's uid when the event names one). A pod that does
 * not exist (or no longer does) has {@code found: false}; its events are still shown.
 */
final class PodDetailView implements View {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final int EVENT_LIMIT = 100;

    private final ViewContext ctx;

    PodDetailView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "pod";
    }

    @Override
    public List<ResourceType> reads() {
        return List.of(ResourceType.PODS, ResourceType.EVENTS);
    }

    @Override
    public ViewModel render(ViewQuery query) {
        String name = query.param("name");
        ObjectNode summary = Json.object().put("namespace", query.namespace()).put("name", name);
        if (query.allNamespaces() || !NAME.matcher(name).matches()) {
            summary.put("found", false)
                    .put(
                            "error",
                            query.allNamespaces()
                                    ? "a pod's page needs its namespace"
                                    : "\"" + name + "\" is not a valid pod name");
            return new ViewModel(summary, Map.of());
        }
        JsonNode pod = ctx.caches().of(ResourceType.PODS).get(query.namespace() + "/" + name);
        String uid = "";
        if (pod == null) {
            summary.put("found", false);
        } else {
            uid = pod.path("metadata").path("uid").asText("");
            summary.put("found", true).set("pod", describe(pod));
        }
        return new ViewModel(summary, events(query.namespace(), name, uid));
    }

    private Map<String, ObjectNode> events(String ns, String name, String uid) {
        List<Map.Entry<String, JsonNode>> mine = new ArrayList<>();
        for (JsonNode e : ctx.caches().of(ResourceType.EVENTS).objects()) {
            JsonNode o = e.path("involvedObject");
            String eventUid = o.path("uid").asText("");
            if (o.path("kind").asText().equals("Pod")
                    && o.path("name").asText().equals(name)
                    && o.path("namespace")
                            .asText(e.path("metadata").path("namespace").asText())
                            .equals(ns)
                    && (uid.isEmpty() || eventUid.isEmpty() || eventUid.equals(uid))) {
                mine.add(Map.entry(e.path("metadata").path("name").asText(), e));
            }
        }
        mine.sort((a, b) -> EventRows.newestFirst(a.getKey(), a.getValue(), b.getKey(), b.getValue()));
        Map<String, ObjectNode> rows = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : mine.subList(0, Math.min(EVENT_LIMIT, mine.size()))) {
            rows.put(e.getKey(), EventRows.row(e.getValue()));
        }
        return rows;
    }

    private static ObjectNode describe(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        ObjectNode p = Json.object()
                .put("uid", meta.path("uid").asText(""))
                .put("phase", status.path("phase").asText("Pending"))
                .put("reason", status.path("reason").asText(""))
                .put("message", status.path("message").asText(""))
                .put("node", spec.path("nodeName").asText(""))
                .put("hostIP", status.path("hostIP").asText(""))
                .put("qosClass", status.path("qosClass").asText(""))
                .put("serviceAccount", spec.path("serviceAccountName").asText(""))
                .put("created", meta.path("creationTimestamp").asText(""))
                .put("started", status.path("startTime").asText(""))
                .put("deleting", meta.path("deletionTimestamp").asText(""))
                .put(
                        "gracePeriod",
                        meta.path("deletionGracePeriodSeconds")
                                .asInt(spec.path("terminationGracePeriodSeconds")
                                        .asInt(30)));
        ArrayNode ips = p.putArray("podIPs");
        for (JsonNode ip : status.path("podIPs")) {
            ips.add(ip.path("ip").asText());
        }
        if (ips.isEmpty() && !status.path("podIP").asText("").isEmpty()) {
            ips.add(status.path("podIP").asText());
        }
        for (JsonNode ref : meta.path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                p.putObject("owner")
                        .put("kind", ref.path("kind").asText())
                        .put("name", ref.path("name").asText())
                        .put("apiVersion", ref.path("apiVersion").asText());
            }
        }
        ObjectNode labels = p.putObject("labels");
        meta.path("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        ArrayNode conditions = p.putArray("conditions");
        for (JsonNode c : status.path("conditions")) {
            conditions
                    .addObject()
                    .put("type", c.path("type").asText())
                    .put("status", c.path("status").asText())
                    .put("reason", c.path("reason").asText(""))
                    .put("message", c.path("message").asText(""))
                    .put("lastTransitionTime", c.path("lastTransitionTime").asText(""));
        }
        ArrayNode containers = p.putArray("containers");
        add(containers, spec.path("initContainers"), status.path("initContainerStatuses"), "init");
        add(containers, spec.path("containers"), status.path("containerStatuses"), "app");
        return p;
    }

    private static void add(ArrayNode out, JsonNode specs, JsonNode statuses, String kind) {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : statuses) {
            byName.put(s.path("name").asText(), s);
        }
        for (JsonNode c : specs) {
            JsonNode st = byName.getOrDefault(c.path("name").asText(), Json.object());
            boolean sidecar =
                    kind.equals("init") && c.path("restartPolicy").asText("").equals("Always");
            out.add(ContainerDetails.of(c, st, sidecar ? "sidecar" : kind));
        }
    }
}
