package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code kl describe}: kubectl's layout for pods and nodes, a generic one for the rest; then Events. */
final class Describer {
    private final Tables tables;
    private final StringBuilder b = new StringBuilder();

    Describer(Instant now) {
        this.tables = new Tables(now);
    }

    String describe(String kind, JsonNode o, List<JsonNode> events) {
        b.setLength(0);
        JsonNode m = o.path("metadata");
        switch (kind) {
            case "Pod" -> pod(o, m);
            case "Node" -> node(o, m);
            default -> generic(o, m);
        }
        events(events);
        return b.toString();
    }

    private void field(String name, String value) {
        field(0, name, value);
    }

    private void field(int indent, String name, String value) {
        String label = "  ".repeat(indent) + name + ":";
        b.append(label);
        int pad = Math.max(1, 18 - label.length());
        b.append(" ".repeat(pad))
                .append(value == null || value.isEmpty() ? "<none>" : value)
                .append('\n');
    }

    private void map(String name, JsonNode map) {
        if (map.isMissingNode() || map.size() == 0) {
            field(name, "<none>");
            return;
        }
        Map<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (first) {
                field(name, e.getKey() + "=" + e.getValue());
                first = false;
            } else {
                b.append(" ".repeat(18))
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue())
                        .append('\n');
            }
        }
    }

    private void pod(JsonNode o, JsonNode m) {
        JsonNode spec = o.path("spec");
        JsonNode st = o.path("status");
        field("Name", m.path("name").asText());
        field("Namespace", m.path("namespace").asText());
        field("Priority", Integer.toString(spec.path("priority").asInt(0)));
        field("Service Account", spec.path("serviceAccountName").asText());
        String node = spec.path("nodeName").asText("");
        field(
                "Node",
                node.isEmpty()
                        ? "<none>"
                        : node + (st.has("hostIP") ? "/" + st.path("hostIP").asText() : ""));
        if (st.has("startTime")) {
            field("Start Time", st.path("startTime").asText());
        }
        map("Labels", m.path("labels"));
        map("Annotations", m.path("annotations"));
        if (m.has("deletionTimestamp")) {
            field(
                    "Status",
                    "Terminating (lasts "
                            + tables.age(m.path("creationTimestamp").asText()) + ")");
            field(
                    "Termination Grace Period",
                    m.path("deletionGracePeriodSeconds").asText() + "s");
        } else {
            field("Status", st.path("phase").asText());
        }
        field("IP", st.path("podIP").asText(""));
        b.append("IPs:");
        if (st.path("podIPs").size() == 0) {
            b.append(" ".repeat(14)).append("<none>\n");
        } else {
            b.append('\n');
            for (JsonNode ip : st.path("podIPs")) {
                b.append("  IP:  ").append(ip.path("ip").asText()).append('\n');
            }
        }
        b.append("Containers:\n");
        Map<String, JsonNode> statuses = new TreeMap<>();
        st.path("containerStatuses").forEach(c -> statuses.put(c.path("name").asText(), c));
        for (JsonNode c : spec.path("containers")) {
            b.append("  ").append(c.path("name").asText()).append(":\n");
            field(2, "Image", c.path("image").asText());
            JsonNode cs = statuses.get(c.path("name").asText());
            if (cs != null) {
                JsonNode state = cs.path("state");
                String s = state.has("running") ? "Running" : state.has("terminated") ? "Terminated" : "Waiting";
                field(2, "State", s);
                JsonNode detail = state.path(s.toLowerCase());
                if (detail.has("reason")) {
                    field(3, "Reason", detail.path("reason").asText());
                }
                if (detail.has("startedAt")) {
                    field(3, "Started", detail.path("startedAt").asText());
                }
                field(2, "Ready", cs.path("ready").asBoolean() ? "True" : "False");
                field(
                        2,
                        "Restart Count",
                        Integer.toString(cs.path("restartCount").asInt()));
            } else {
                field(2, "State", "Waiting");
                field(2, "Ready", "False");
                field(2, "Restart Count", "0");
            }
            JsonNode res = c.path("resources");
            if (res.has("limits")) {
                b.append("    Limits:\n");
                res.path("limits")
                        .fields()
                        .forEachRemaining(e -> field(3, e.getKey(), e.getValue().asText()));
            }
            if (res.has("requests")) {
                b.append("    Requests:\n");
                res.path("requests")
                        .fields()
                        .forEachRemaining(e -> field(3, e.getKey(), e.getValue().asText()));
            }
        }
        b.append("Conditions:\n");
        if (st.path("conditions").size() == 0) {
            b.setLength(b.length() - 1);
            b.append(" ".repeat(7)).append("<none>\n");
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("  Type", "Status"));
            for (JsonNode c : st.path("conditions")) {
                rows.add(
                        List.of("  " + c.path("type").asText(), c.path("status").asText()));
            }
            b.append(Tables.layout(rows));
        }
        field("QoS Class", st.path("qosClass").asText());
        map("Node-Selectors", spec.path("nodeSelector"));
        List<String> tol = new ArrayList<>();
        for (JsonNode t : spec.path("tolerations")) {
            StringBuilder s = new StringBuilder(t.path("key").asText());
            if (t.has("value")) {
                s.append('=').append(t.path("value").asText());
            }
            if (t.has("effect")) {
                s.append(':').append(t.path("effect").asText());
            }
            if ("Exists".equals(t.path("operator").asText()) && !t.has("value")) {
                s.append(" op=Exists");
            }
            if (t.has("tolerationSeconds")) {
                s.append(" for ").append(t.path("tolerationSeconds").asLong()).append('s');
            }
            tol.add(s.toString());
        }
        list("Tolerations", tol);
    }

    private void list(String name, List<String> values) {
        if (values.isEmpty()) {
            field(name, "<none>");
            return;
        }
        field(name, values.get(0));
        for (String v : values.subList(1, values.size())) {
            b.append(" ".repeat(18)).append(v).append('\n');
        }
    }

    private void node(JsonNode o, JsonNode m) {
        JsonNode spec = o.path("spec");
        JsonNode st = o.path("status");
        field("Name", m.path("name").asText());
        List<String> roles = new ArrayList<>();
        m.path("labels").fieldNames().forEachRemaining(k -> {
            if (k.startsWith("node-role.kubernetes.io/")) {
                roles.add(k.substring(24));
            }
        });
        field("Roles", roles.isEmpty() ? "<none>" : String.join(",", roles));
        map("Labels", m.path("labels"));
        map("Annotations", m.path("annotations"));
        field("CreationTimestamp", m.path("creationTimestamp").asText());
        List<String> taints = new ArrayList<>();
        for (JsonNode t : spec.path("taints")) {
            taints.add(t.path("key").asText()
                    + (t.has("value") ? "=" + t.path("value").asText() : "") + ":"
                    + t.path("effect").asText());
        }
        list("Taints", taints);
        field("Unschedulable", spec.path("unschedulable").asBoolean() ? "true" : "false");
        b.append("Conditions:\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("  Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message"));
        rows.add(List.of("  ----", "------", "-----------------", "------------------", "------", "-------"));
        for (JsonNode c : st.path("conditions")) {
            rows.add(List.of(
                    "  " + c.path("type").asText(),
                    c.path("status").asText(),
                    c.path("lastHeartbeatTime").asText(""),
                    c.path("lastTransitionTime").asText(""),
                    c.path("reason").asText(""),
                    c.path("message").asText("")));
        }
        b.append(Tables.layout(rows));
        b.append("Addresses:\n");
        for (JsonNode a : st.path("addresses")) {
            b.append("  ")
                    .append(a.path("type").asText())
                    .append(":  ")
                    .append(a.path("address").asText())
                    .append('\n');
        }
        for (String section : List.of("capacity", "allocatable")) {
            if (st.has(section)) {
                b.append(Character.toUpperCase(section.charAt(0)))
                        .append(section.substring(1))
                        .append(":\n");
                Map<String, String> sorted = new TreeMap<>();
                st.path(section)
                        .fields()
                        .forEachRemaining(
                                e -> sorted.put(e.getKey(), e.getValue().asText()));
                sorted.forEach((k, v) -> b.append("  ")
                        .append(k)
                        .append(":")
                        .append(" ".repeat(Math.max(1, 18 - k.length())))
                        .append(v)
                        .append('\n'));
            }
        }
        JsonNode info = st.path("nodeInfo");
        if (!info.isMissingNode()) {
            b.append("System Info:\n");
            field(1, "Kubelet Version", info.path("kubeletVersion").asText(""));
            field(1, "OS Image", info.path("osImage").asText(""));
            field(1, "Architecture", info.path("architecture").asText(""));
        }
        field("PodCIDR", spec.path("podCIDR").asText(""));
    }

    private void generic(JsonNode o, JsonNode m) {
        field("Name", m.path("name").asText());
        if (m.has("namespace")) {
            field("Namespace", m.path("namespace").asText());
        }
        map("Labels", m.path("labels"));
        map("Annotations", m.path("annotations"));
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (List.of("apiVersion", "kind", "metadata").contains(e.getKey())) {
                continue;
            }
            if (e.getKey().equals("data") && "Secret".equals(o.path("kind").asText(""))) {
                continue;
            }
            String name =
                    Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            if (e.getValue().isValueNode()) {
                field(name, e.getValue().asText());
            } else {
                b.append(name).append(":\n");
                for (String line : ApiJson.toYaml(e.getValue()).split("\n")) {
                    b.append("  ").append(line).append('\n');
                }
            }
        }
    }

    private void events(List<JsonNode> events) {
        if (events.isEmpty()) {
            b.append("Events:            <none>\n");
            return;
        }
        b.append("Events:\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("  Type", "Reason", "Age", "From", "Message"));
        rows.add(List.of("  ----", "------", "----", "----", "-------"));
        events.sort((x, y) -> x.path("lastTimestamp")
                .asText("")
                .compareTo(y.path("lastTimestamp").asText("")));
        for (JsonNode e : events) {
            String last = e.path("lastTimestamp")
                    .asText(e.path("metadata").path("creationTimestamp").asText(""));
            String age = tables.age(last);
            if (e.path("count").asInt() > 1) {
                age = age + " (x" + e.path("count").asInt() + " over "
                        + tables.age(e.path("firstTimestamp").asText(last)) + ")";
            }
            rows.add(List.of(
                    "  " + e.path("type").asText(""),
                    e.path("reason").asText(""),
                    age,
                    e.path("source")
                            .path("component")
                            .asText(e.path("reportingComponent").asText("")),
                    e.path("message").asText("")));
        }
        b.append(Tables.layout(rows));
    }
}
