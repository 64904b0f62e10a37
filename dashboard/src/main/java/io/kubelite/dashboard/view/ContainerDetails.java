package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One container of a pod as the pod detail page shows it: spec (image, requests and limits,
 * ports, probes) next to status (state, last state, ready, started, restarts). States are as the
 * kubelet reports them: {@code waiting} with a reason, {@code running} since a time, {@code
 * terminated} with reason and exit code.
 */
final class ContainerDetails {
    private ContainerDetails() {}

    static ObjectNode of(JsonNode spec, JsonNode status, String kind) {
        ObjectNode c = Json.object()
                .put("name", spec.path("name").asText())
                .put("kind", kind)
                .put("image", spec.path("image").asText(""))
                .put("ready", status.path("ready").asBoolean(false))
                .put("started", status.path("started").asBoolean(false))
                .put("restartCount", status.path("restartCount").asInt(0));
        c.set("state", state(status.path("state")));
        c.set("lastState", state(status.path("lastState")));
        c.set("requests", resources(spec.path("resources").path("requests")));
        c.set("limits", resources(spec.path("resources").path("limits")));
        ArrayNode ports = c.putArray("ports");
        for (JsonNode p : spec.path("ports")) {
            String name = p.path("name").asText("");
            ports.add((name.isEmpty() ? "" : name + " ")
                    + p.path("containerPort").asInt() + "/" + p.path("protocol").asText("TCP"));
        }
        ArrayNode probes = c.putArray("probes");
        for (String which : new String[] {"startup", "liveness", "readiness"}) {
            JsonNode p = spec.path(which + "Probe");
            if (!p.isMissingNode() && !p.isNull()) {
                probes.add(probe(which, p));
            }
        }
        return c;
    }

    /** {@code {kind: waiting|running|terminated|"", reason, message, exitCode, since, finished}}. */
    static ObjectNode state(JsonNode state) {
        ObjectNode s = Json.object();
        if (state.has("waiting")) {
            JsonNode w = state.path("waiting");
            s.put("kind", "waiting")
                    .put("reason", w.path("reason").asText(""))
                    .put("message", w.path("message").asText(""));
        } else if (state.has("running")) {
            s.put("kind", "running")
                    .put("since", state.path("running").path("startedAt").asText(""));
        } else if (state.has("terminated")) {
            JsonNode t = state.path("terminated");
            s.put("kind", "terminated")
                    .put("reason", t.path("reason").asText(""))
                    .put("message", t.path("message").asText(""))
                    .put("exitCode", t.path("exitCode").asInt())
                    .put("since", t.path("startedAt").asText(""))
                    .put("finished", t.path("finishedAt").asText(""));
        } else {
            s.put("kind", "");
        }
        return s;
    }

    private static ObjectNode resources(JsonNode list) {
        ObjectNode r = Json.object();
        list.fields().forEachRemaining(e -> r.put(e.getKey(), e.getValue().asText()));
        return r;
    }

    /** A probe: how it checks (exec/httpGet/tcpSocket/grpc and what) and its timing, with the API's defaults. */
    static ObjectNode probe(String which, JsonNode p) {
        ObjectNode o = Json.object().put("probe", which);
        if (p.has("exec")) {
            StringBuilder cmd = new StringBuilder();
            for (JsonNode a : p.path("exec").path("command")) {
                cmd.append(cmd.length() == 0 ? "" : " ").append(a.asText());
            }
            o.put("type", "exec").put("target", cmd.toString());
        } else if (p.has("httpGet")) {
            JsonNode h = p.path("httpGet");
            o.put("type", "httpGet")
                    .put(
                            "target",
                            h.path("scheme").asText("HTTP").toLowerCase() + "://"
                                    + h.path("host").asText("") + ":"
                                    + h.path("port").asText() + h.path("path").asText("/"));
        } else if (p.has("tcpSocket")) {
            o.put("type", "tcpSocket")
                    .put("target", "port " + p.path("tcpSocket").path("port").asText());
        } else if (p.has("grpc")) {
            String service = p.path("grpc").path("service").asText("");
            o.put("type", "grpc")
                    .put(
                            "target",
                            "port " + p.path("grpc").path("port").asText()
                                    + (service.isEmpty() ? "" : " service " + service));
        } else {
            o.put("type", "").put("target", "");
        }
        return o.put("initialDelaySeconds", p.path("initialDelaySeconds").asInt(0))
                .put("periodSeconds", p.path("periodSeconds").asInt(10))
                .put("timeoutSeconds", p.path("timeoutSeconds").asInt(1))
                .put("successThreshold", p.path("successThreshold").asInt(1))
                .put("failureThreshold", p.path("failureThreshold").asInt(3));
    }
}
