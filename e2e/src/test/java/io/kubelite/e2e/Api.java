package io.kubelite.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small JSON client for the API server: what a test needs, with statuses surfaced as exceptions. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String server;
    final String token;

    Api(String server, String token) {
        this.server = server;
        this.token = token;
    }

    /** An HTTP status other than the expected one. */
    static final class ApiException extends RuntimeException {
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    JsonNode get(String path) {
        return send("GET", path, null, 200);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, 201);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body, 200);
    }

    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body, 200);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, 200);
    }

    private JsonNode send(String method, String path, Object body, int expect) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path))
                    .timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
                b.method(
                        method,
                        HttpRequest.BodyPublishers.ofString(
                                body instanceof String s ? s : JSON.writeValueAsString(body)));
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != expect
                    && !(expect == 201 && r.statusCode() == 200)
                    && !(method.equals("DELETE") && r.statusCode() == 202)) {
                throw new ApiException(r.statusCode(), method + " " + path + " -> " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ApiException(-1, method + " " + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<JsonNode> items(String path) {
        List<JsonNode> out = new ArrayList<>();
        get(path).path("items").forEach(out::add);
        return out;
    }

    List<JsonNode> pods(String labelSelector) {
        return items(
                "/api/v1/namespaces/default/pods" + (labelSelector == null ? "" : "?labelSelector=" + labelSelector));
    }

    List<JsonNode> nodes() {
        return items("/api/v1/nodes");
    }

    // ---- manifests

    /** A toleration of {@code key:NoExecute} for {@code seconds} (null = forever). */
    static ObjectNode toleration(String key, Long seconds) {
        ObjectNode t = JSON.createObjectNode()
                .put("key", key)
                .put("operator", "Exists")
                .put("effect", "NoExecute");
        if (seconds != null) {
            t.put("tolerationSeconds", seconds);
        }
        return t;
    }

    /** A pod spec running a long-lived server, tolerating unreachable/not-ready for {@code tolerationSeconds}. */
    static ObjectNode podSpec(long tolerationSeconds) {
        ObjectNode spec = JSON.createObjectNode();
        spec.putArray("containers")
                .addObject()
                .put("name", "app")
                .put("image", "nginx:1.27")
                .putObject("resources")
                .putObject("requests")
                .put("cpu", "10m")
                .put("memory", "16Mi");
        spec.put("terminationGracePeriodSeconds", 1);
        spec.putArray("tolerations")
                .add(toleration("node.kubernetes.io/unreachable", tolerationSeconds))
                .add(toleration("node.kubernetes.io/not-ready", tolerationSeconds));
        return spec;
    }

    static ObjectNode pod(String name, String app, long tolerationSeconds) {
        ObjectNode p = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        p.putObject("metadata").put("name", name).putObject("labels").put("app", app);
        p.set("spec", podSpec(tolerationSeconds));
        return p;
    }

    static ObjectNode replicaSet(String name, int replicas, long tolerationSeconds) {
        ObjectNode rs = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        rs.putObject("metadata").put("name", name).putObject("labels").put("app", name);
        ObjectNode spec = rs.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode tpl = spec.putObject("template");
        tpl.putObject("metadata").putObject("labels").put("app", name);
        tpl.set("spec", podSpec(tolerationSeconds));
        return rs;
    }

    /** A RollingUpdate Deployment of {@code replicas} long-lived pods labelled {@code app=name}. */
    static ObjectNode deployment(String name, int replicas, int maxSurge, int maxUnavailable) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name).putObject("labels").put("app", name);
        ObjectNode spec = d.putObject("spec").put("replicas", replicas);
        spec.putObject("strategy")
                .put("type", "RollingUpdate")
                .putObject("rollingUpdate")
                .put("maxSurge", maxSurge)
                .put("maxUnavailable", maxUnavailable);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode tpl = spec.putObject("template");
        tpl.putObject("metadata").putObject("labels").put("app", name);
        tpl.set("spec", podSpec(300));
        return d;
    }

    void createReplicaSet(String name, int replicas, long tolerationSeconds) {
        post("/apis/apps/v1/namespaces/default/replicasets", replicaSet(name, replicas, tolerationSeconds));
    }

    void scale(String rs, int replicas) {
        patch("/apis/apps/v1/namespaces/default/replicasets/" + rs, "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    // ---- reading state

    static String phase(JsonNode pod) {
        return pod.path("status").path("phase").asText();
    }

    static String nodeName(JsonNode o) {
        return o.path("spec").path("nodeName").asText();
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static boolean terminating(JsonNode o) {
        return o.path("metadata").has("deletionTimestamp")
                && !o.path("metadata").path("deletionTimestamp").isNull();
    }

    /** The node's Ready condition status: True, False, Unknown, or "" when it has none. */
    static String ready(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText();
            }
        }
        return "";
    }
}
