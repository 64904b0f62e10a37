package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Json;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One drain of one node, as {@code kubectl drain --ignore-daemonsets --delete-emptydir-data
 * --force} does it (kubectl's {@code drain} package): cordon the node; list the pods bound to it;
 * leave out mirror pods (the API server cannot delete them) and DaemonSet-managed pods (their
 * controller ignores cordons and would put them back); evict every other pod through the
 * Eviction API ({@code pods/eviction}), so PodDisruptionBudgets are respected. An eviction the
 * API server refuses with 429 (a budget allows no disruption now) is retried every 5 s, as
 * kubectl does, until the deadline; what still blocks then is reported with the API server's
 * reason. Unlike kubectl it does not wait for the evicted pods to be gone: the pages show them
 * terminating. Blocking; every call uses the given (the user's own) credential.
 */
final class NodeDrain {
    static final Duration RETRY = Duration.ofSeconds(5);

    /** What happened: pods evicted, left alone (with why), blocked or failed (with the API server's reason). */
    record Report(
            String node,
            List<String> evicted,
            Map<String, String> skipped,
            Map<String, String> blocked,
            Map<String, String> failed) {
        String text() {
            StringBuilder b = new StringBuilder("node ").append(node).append(" cordoned");
            b.append("; evicted ").append(evicted.size()).append(evicted.size() == 1 ? " pod" : " pods");
            if (!evicted.isEmpty()) {
                b.append(": ").append(String.join(", ", evicted));
            }
            if (!skipped.isEmpty()) {
                b.append("\nleft alone: ");
                b.append(String.join(
                        ", ",
                        skipped.entrySet().stream()
                                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                .toList()));
            }
            if (!blocked.isEmpty()) {
                b.append("\nnot evicted, still blocked when the drain gave up: ");
                b.append(String.join(
                        "; ",
                        blocked.entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue())
                                .toList()));
            }
            if (!failed.isEmpty()) {
                b.append("\nfailed: ");
                b.append(String.join(
                        "; ",
                        failed.entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue())
                                .toList()));
            }
            return b.toString();
        }
    }

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final ApiServerConnection api;
    private final Clock clock;
    private final Sleeper sleeper;

    NodeDrain(ApiServerConnection api, Clock clock, Sleeper sleeper) {
        this.api = api;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    Report drain(String node, Duration timeout) throws ActionException {
        Instant deadline = clock.instant().plus(timeout);
        NodeApi.mergePatch(api, node, "{\"spec\":{\"unschedulable\":true}}");
        ApiServerConnection.Response list =
                NodeApi.get(api, "/api/v1/pods?fieldSelector=" + NodeApi.query("spec.nodeName=" + node));
        if (!list.ok()) {
            throw NodeApi.refused(list, "node " + node + " cordoned, but its pods could not be listed");
        }
        JsonNode pods;
        try {
            pods = Json.MAPPER.readTree(list.body()).path("items");
        } catch (IOException e) {
            throw new ActionException(502, "node " + node + " cordoned, but the pod list was not JSON");
        }
        Map<String, String> skipped = new LinkedHashMap<>();
        List<String[]> pending = new ArrayList<>();
        for (JsonNode pod : pods) {
            JsonNode meta = pod.path("metadata");
            String ns = meta.path("namespace").asText();
            String name = meta.path("name").asText();
            String key = ns + "/" + name;
            if (meta.path("annotations").has(MirrorPods.CONFIG_MIRROR)) {
                skipped.put(key, "mirror pod");
            } else if (controlledByDaemonSet(meta)) {
                skipped.put(key, "DaemonSet-managed");
            } else if (meta.has("deletionTimestamp")) {
                skipped.put(key, "already terminating");
            } else {
                pending.add(new String[] {ns, name});
            }
        }
        List<String> evicted = new ArrayList<>();
        Map<String, String> blocked = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        while (true) {
            blocked.clear();
            List<String[]> retry = new ArrayList<>();
            for (String[] p : pending) {
                String key = p[0] + "/" + p[1];
                ApiServerConnection.Response r = NodeApi.call(
                        api,
                        "POST",
                        "/api/v1/namespaces/" + p[0] + "/pods/" + p[1] + "/eviction",
                        "application/json",
                        eviction(p[0], p[1]));
                if (r.ok() || r.code() == 404) {
                    evicted.add(key); // 404: gone already, which is what eviction wants
                } else if (r.code() == 429) {
                    blocked.put(key, NodeApi.message(r));
                    retry.add(p);
                } else {
                    failed.put(key, NodeApi.message(r));
                }
            }
            pending = retry;
            if (pending.isEmpty() || !clock.instant().plus(RETRY).isBefore(deadline)) {
                break;
            }
            try {
                sleeper.sleep(RETRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Report(node, evicted, skipped, new LinkedHashMap<>(blocked), failed);
    }

    private static boolean controlledByDaemonSet(JsonNode meta) {
        for (JsonNode ref : meta.path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)
                    && ref.path("kind").asText().equals("DaemonSet")) {
                return true;
            }
        }
        return false;
    }

    private static String eviction(String ns, String name) {
        return Json.object()
                .put("apiVersion", "policy/v1")
                .put("kind", "Eviction")
                .set("metadata", Json.object().put("name", name).put("namespace", ns))
                .toString();
    }
}
