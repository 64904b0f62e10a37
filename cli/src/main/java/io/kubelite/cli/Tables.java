package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** kubectl's default and wide columns per kind, its age format and its column layout. */
final class Tables {
    private final Instant now;

    Tables(Instant now) {
        this.now = now;
    }

    static List<String> headers(String kind, boolean wide) {
        List<String> h = new ArrayList<>(switch (kind) {
            case "Pod" -> List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE");
            case "Node" -> List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION");
            case "Namespace" -> List.of("NAME", "STATUS", "AGE");
            case "Service" -> List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
            case "Endpoints" -> List.of("NAME", "ENDPOINTS", "AGE");
            case "ServiceAccount" -> List.of("NAME", "SECRETS", "AGE");
            case "Secret" -> List.of("NAME", "TYPE", "DATA", "AGE");
            case "Event" -> List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
            case "ReplicaSet" -> List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE");
            case "Lease" -> List.of("NAME", "HOLDER", "AGE");
            default -> List.of("NAME", "AGE");
        });
        if (wide) {
            switch (kind) {
                case "Pod" -> h.addAll(List.of("IP", "NODE", "NOMINATED NODE", "READINESS GATES"));
                case "Node" -> h.addAll(List.of("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"));
                case "Service" -> h.add("SELECTOR");
                case "ReplicaSet" -> h.addAll(List.of("CONTAINERS", "IMAGES", "SELECTOR"));
                default -> {
                }
            }
        }
        return h;
    }

    List<String> row(String kind, JsonNode o, boolean wide) {
        JsonNode m = o.path("metadata");
        String name = m.path("name").asText();
        String age = age(m.path("creationTimestamp").asText(""));
        List<String> r = new ArrayList<>();
        switch (kind) {
            case "Pod" -> {
                JsonNode cs = o.path("status").path("containerStatuses");
                int ready = 0;
                int restarts = 0;
                String lastRestart = null;
                for (JsonNode c : cs) {
                    if (c.path("ready").asBoolean()) {
                        ready++;
                    }
                    restarts += c.path("restartCount").asInt();
                    String fin = c.path("lastState").path("terminated").path("finishedAt").asText("");
                    if (!fin.isEmpty() && (lastRestart == null || fin.compareTo(lastRestart) > 0)) {
                        lastRestart = fin;
                    }
                }
                r.addAll(List.of(name, ready + "/" + o.path("spec").path("containers").size(), podStatus(o),
                        restarts + (lastRestart != null && restarts > 0 ? " (" + age(lastRestart) + " ago)" : ""), age));
                if (wide) {
                    r.addAll(List.of(or(o.path("status").path("podIP").asText("")),
                            or(o.path("spec").path("nodeName").asText("")),
                            or(o.path("status").path("nominatedNodeName").asText("")), "<none>"));
                }
            }
            case "Node" -> {
                String status = "Unknown";
                for (JsonNode c : o.path("status").path("conditions")) {
                    if (c.path("type").asText().equals("Ready")) {
                        status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
                    }
                }
                if (o.path("spec").path("unschedulable").asBoolean()) {
                    status += ",SchedulingDisabled";
                }
                List<String> roles = new ArrayList<>();
                m.path("labels").fieldNames().forEachRemaining(k -> {
                    if (k.startsWith("node-role.kubernetes.io/")) {
                        roles.add(k.substring("node-role.kubernetes.io/".length()));
                    }
                });
                r.addAll(List.of(name, status, roles.isEmpty() ? "<none>" : String.join(",", roles), age,
                        o.path("status").path("nodeInfo").path("kubeletVersion").asText("")));
                if (wide) {
                    r.addAll(List.of(address(o, "InternalIP"), address(o, "ExternalIP"),
                            or(o.path("status").path("nodeInfo").path("osImage").asText("")),
                            or(o.path("status").path("nodeInfo").path("kernelVersion").asText("")),
                            or(o.path("status").path("nodeInfo").path("containerRuntimeVersion").asText(""))));
                }
            }
            case "Namespace" -> r.addAll(List.of(name, o.path("status").path("phase").asText(""), age));
            case "Service" -> {
                List<String> ports = new ArrayList<>();
                for (JsonNode p : o.path("spec").path("ports")) {
                    String np = p.path("nodePort").asInt() > 0 ? ":" + p.path("nodePort").asInt() : "";
                    ports.add(p.path("port").asInt() + np + "/" + p.path("protocol").asText("TCP"));
                }
                r.addAll(List.of(name, o.path("spec").path("type").asText(""),
                        or(o.path("spec").path("clusterIP").asText("")), "<none>",
                        ports.isEmpty() ? "<none>" : String.join(",", ports), age));
                if (wide) {
                    r.add(selector(o.path("spec").path("selector")));
                }
            }
            case "Endpoints" -> {
                List<String> eps = new ArrayList<>();
                for (JsonNode s : o.path("subsets")) {
                    for (JsonNode a : s.path("addresses")) {
                        for (JsonNode p : s.path("ports")) {
                            eps.add(a.path("ip").asText() + ":" + p.path("port").asInt());
                        }
                    }
                }
                String e = eps.size() > 3 ? String.join(",", eps.subList(0, 3)) + " + " + (eps.size() - 3) + " more..."
                        : String.join(",", eps);
                r.addAll(List.of(name, eps.isEmpty() ? "<none>" : e, age));
            }
            case "ServiceAccount" -> r.addAll(List.of(name, Integer.toString(o.path("secrets").size()), age));
            case "Secret" -> r.addAll(List.of(name, o.path("type").asText(""), Integer.toString(o.path("data").size()), age));
            case "Event" -> {
                String last = o.path("lastTimestamp").asText(o.path("eventTime").asText(m.path("creationTimestamp").asText("")));
                JsonNode io = o.path("involvedObject");
                r.addAll(List.of(last.isEmpty() ? "<unknown>" : age(last), o.path("type").asText(""),
                        o.path("reason").asText(""), io.path("kind").asText("").toLowerCase() + "/" + io.path("name").asText(),
                        o.path("message").asText("").trim()));
            }
            case "ReplicaSet" -> {
                r.addAll(List.of(name, Integer.toString(o.path("spec").path("replicas").asInt(1)),
                        Integer.toString(o.path("status").path("replicas").asInt()),
                        Integer.toString(o.path("status").path("readyReplicas").asInt()), age));
                if (wide) {
                    List<String> names = new ArrayList<>();
                    List<String> images = new ArrayList<>();
                    for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
                        names.add(c.path("name").asText());
                        images.add(c.path("image").asText());
                    }
                    r.addAll(List.of(String.join(",", names), String.join(",", images),
                            selector(o.path("spec").path("selector").path("matchLabels"))));
                }
            }
            case "Lease" -> r.addAll(List.of(name, or(o.path("spec").path("holderIdentity").asText("")), age));
            default -> r.addAll(List.of(name, age));
        }
        return r;
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals(type)) {
                return a.path("address").asText();
            }
        }
        return "<none>";
    }

    private static String selector(JsonNode sel) {
        if (sel.isMissingNode() || sel.size() == 0) {
            return "<none>";
        }
        Map<String, String> m = new TreeMap<>();
        sel.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return String.join(",", out);
    }

    private static String or(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    /** kubectl's printPod STATUS column (the common cases). */
    static String podStatus(JsonNode pod) {
        JsonNode st = pod.path("status");
        String reason = st.path("reason").asText("");
        if (reason.isEmpty()) {
            reason = st.path("phase").asText("");
        }
        int initTotal = pod.path("spec").path("initContainers").size();
        int i = 0;
        boolean initializing = false;
        for (JsonNode c : st.path("initContainerStatuses")) {
            JsonNode t = c.path("state").path("terminated");
            JsonNode w = c.path("state").path("waiting");
            if (!t.isMissingNode() && t.path("exitCode").asInt() == 0) {
                i++;
                continue;
            }
            initializing = true;
            if (!t.isMissingNode()) {
                reason = "Init:" + (t.path("reason").asText("").isEmpty() ? "ExitCode:" + t.path("exitCode").asInt()
                        : t.path("reason").asText());
            } else if (!w.isMissingNode() && !w.path("reason").asText("").isEmpty()
                    && !w.path("reason").asText().equals("PodInitializing")) {
                reason = "Init:" + w.path("reason").asText();
            } else {
                reason = "Init:" + i + "/" + initTotal;
            }
            break;
        }
        if (!initializing) {
            boolean hasRunning = false;
            JsonNode cs = st.path("containerStatuses");
            for (int k = cs.size() - 1; k >= 0; k--) {
                JsonNode c = cs.get(k);
                JsonNode w = c.path("state").path("waiting");
                JsonNode t = c.path("state").path("terminated");
                if (!w.isMissingNode() && !w.path("reason").asText("").isEmpty()) {
                    reason = w.path("reason").asText();
                } else if (!t.isMissingNode()) {
                    if (!t.path("reason").asText("").isEmpty()) {
                        reason = t.path("reason").asText();
                    } else if (t.path("signal").asInt() != 0) {
                        reason = "Signal:" + t.path("signal").asInt();
                    } else {
                        reason = "ExitCode:" + t.path("exitCode").asInt();
                    }
                } else if (c.path("ready").asBoolean() && !c.path("state").path("running").isMissingNode()) {
                    hasRunning = true;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = "Running";
            }
        }
        if (!pod.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
            reason = "NodeLost".equals(st.path("reason").asText()) ? "Unknown" : "Terminating";
        }
        return reason;
    }

    String age(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        try {
            return human(Duration.between(Instant.parse(timestamp), now));
        } catch (RuntimeException e) {
            return "<unknown>";
        }
    }

    /** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
    static String human(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 180) {
            return minutes + "m";
        }
        long hours = seconds / 3600;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Go's tabwriter with kubectl's settings (padding 3, left-aligned, last column unpadded). */
    static String layout(List<List<String>> rows) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] w = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                String c = r.get(i);
                b.append(c);
                if (i < r.size() - 1) {
                    b.append(" ".repeat(w[i] - c.length() + 3));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
