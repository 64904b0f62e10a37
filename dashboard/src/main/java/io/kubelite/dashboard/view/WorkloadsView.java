package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workloads page: every Deployment, ReplicaSet, DaemonSet, StatefulSet, Job and CronJob in the
 * query's namespace, with the columns {@code kubectl get} prints for its kind, its rollout as
 * {@code kubectl rollout status} judges it ({@link RolloutStatus}), its controlling owner (RS →
 * Deployment, Job → CronJob) and the pods it controls (through its ReplicaSets for a Deployment,
 * its Jobs for a CronJob). Rows are keyed {@code Kind/namespace/name}; timestamps are sent as they
 * are, the page computes ages and durations.
 */
final class WorkloadsView implements View {
    private static final List<ResourceType> READS = List.of(
            ResourceType.DEPLOYMENTS,
            ResourceType.REPLICASETS,
            ResourceType.DAEMONSETS,
            ResourceType.STATEFULSETS,
            ResourceType.JOBS,
            ResourceType.CRONJOBS,
            ResourceType.PODS);

    private final ViewContext ctx;

    WorkloadsView(ViewContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "workloads";
    }

    @Override
    public List<ResourceType> reads() {
        return READS;
    }

    @Override
    public ViewModel render(ViewQuery query) {
        Map<String, List<JsonNode>> podsByOwner = controlledBy(objects(ResourceType.PODS, query));
        Map<String, List<JsonNode>> rsByOwner = controlledBy(objects(ResourceType.REPLICASETS, query));
        Map<String, List<JsonNode>> jobsByOwner = controlledBy(objects(ResourceType.JOBS, query));
        Map<String, ObjectNode> items = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();

        for (JsonNode d : objects(ResourceType.DEPLOYMENTS, query)) {
            ObjectNode row = base("Deployment", d);
            JsonNode s = d.path("status");
            row.put("replicas", d.path("spec").path("replicas").asInt(1))
                    .put("ready", s.path("readyReplicas").asInt(0))
                    .put("updated", s.path("updatedReplicas").asInt(0))
                    .put("available", s.path("availableReplicas").asInt(0))
                    .put("paused", d.path("spec").path("paused").asBoolean(false))
                    .put("revision", revision(d));
            rollout(row, RolloutStatus.ofDeployment(d));
            List<JsonNode> pods = new ArrayList<>();
            for (JsonNode rs : rsByOwner.getOrDefault(uid(d), List.of())) {
                pods.addAll(podsByOwner.getOrDefault(uid(rs), List.of()));
            }
            put(items, counts, row, pods);
        }
        for (JsonNode rs : objects(ResourceType.REPLICASETS, query)) {
            ObjectNode row = base("ReplicaSet", rs);
            JsonNode s = rs.path("status");
            row.put("replicas", rs.path("spec").path("replicas").asInt(1))
                    .put("current", s.path("replicas").asInt(0))
                    .put("ready", s.path("readyReplicas").asInt(0))
                    .put("revision", revision(rs));
            put(items, counts, row, podsByOwner.getOrDefault(uid(rs), List.of()));
        }
        for (JsonNode ds : objects(ResourceType.DAEMONSETS, query)) {
            ObjectNode row = base("DaemonSet", ds);
            JsonNode s = ds.path("status");
            row.put("desired", s.path("desiredNumberScheduled").asInt(0))
                    .put("current", s.path("currentNumberScheduled").asInt(0))
                    .put("ready", s.path("numberReady").asInt(0))
                    .put("updated", s.path("updatedNumberScheduled").asInt(0))
                    .put("available", s.path("numberAvailable").asInt(0))
                    .put(
                            "nodeSelector",
                            selectorText(ds.path("spec")
                                    .path("template")
                                    .path("spec")
                                    .path("nodeSelector")));
            rollout(row, RolloutStatus.ofDaemonSet(ds));
            put(items, counts, row, podsByOwner.getOrDefault(uid(ds), List.of()));
        }
        for (JsonNode sts : objects(ResourceType.STATEFULSETS, query)) {
            ObjectNode row = base("StatefulSet", sts);
            row.put("replicas", sts.path("spec").path("replicas").asInt(1))
                    .put("ready", sts.path("status").path("readyReplicas").asInt(0))
                    .put("updated", sts.path("status").path("updatedReplicas").asInt(0));
            rollout(row, RolloutStatus.ofStatefulSet(sts));
            put(items, counts, row, podsByOwner.getOrDefault(uid(sts), List.of()));
        }
        for (JsonNode job : objects(ResourceType.JOBS, query)) {
            ObjectNode row = base("Job", job);
            JsonNode spec = job.path("spec");
            JsonNode s = job.path("status");
            int succeeded = s.path("succeeded").asInt(0);
            int parallelism = spec.path("parallelism").asInt(1);
            String completions = spec.path("completions").isNumber()
                    ? succeeded + "/" + spec.path("completions").asInt()
                    : parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
            row.put("status", jobStatus(job))
                    .put("completions", completions)
                    .put("started", s.path("startTime").asText(""))
                    .put("completed", s.path("completionTime").asText(""));
            put(items, counts, row, podsByOwner.getOrDefault(uid(job), List.of()));
        }
        for (JsonNode cj : objects(ResourceType.CRONJOBS, query)) {
            ObjectNode row = base("CronJob", cj);
            JsonNode spec = cj.path("spec");
            row.put("schedule", spec.path("schedule").asText(""))
                    .put("timeZone", spec.path("timeZone").asText(""))
                    .put("suspend", spec.path("suspend").asBoolean(false))
                    .put("active", cj.path("status").path("active").size())
                    .put(
                            "lastSchedule",
                            cj.path("status").path("lastScheduleTime").asText(""));
            List<JsonNode> pods = new ArrayList<>();
            for (JsonNode job : jobsByOwner.getOrDefault(uid(cj), List.of())) {
                pods.addAll(podsByOwner.getOrDefault(uid(job), List.of()));
            }
            put(items, counts, row, pods);
        }
        ObjectNode summary = Json.object().put("count", items.size());
        ObjectNode byKind = summary.putObject("byKind");
        counts.forEach(byKind::put);
        return new ViewModel(summary, items);
    }

    private List<JsonNode> objects(ResourceType type, ViewQuery query) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode o : ctx.caches().of(type).objects()) {
            if (query.includes(o.path("metadata").path("namespace").asText())) {
                out.add(o);
            }
        }
        return out;
    }

    /** Objects by the uid of their controlling owner reference. */
    private static Map<String, List<JsonNode>> controlledBy(List<JsonNode> objects) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (JsonNode o : objects) {
            for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                if (ref.path("controller").asBoolean(false)) {
                    out.computeIfAbsent(ref.path("uid").asText(), k -> new ArrayList<>())
                            .add(o);
                }
            }
        }
        return out;
    }

    private static ObjectNode base(String kind, JsonNode o) {
        JsonNode meta = o.path("metadata");
        ObjectNode row = Json.object()
                .put("kind", kind)
                .put("namespace", meta.path("namespace").asText())
                .put("name", meta.path("name").asText())
                .put("created", meta.path("creationTimestamp").asText(""));
        for (JsonNode ref : meta.path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                row.putObject("owner")
                        .put("kind", ref.path("kind").asText())
                        .put("name", ref.path("name").asText());
            }
        }
        if (meta.has("deletionTimestamp")) {
            row.put("terminating", true);
        }
        ArrayNode images = row.putArray("images");
        for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
            images.add(c.path("image").asText());
        }
        if (o.path("spec").path("jobTemplate").isObject()) {
            for (JsonNode c : o.path("spec")
                    .path("jobTemplate")
                    .path("spec")
                    .path("template")
                    .path("spec")
                    .path("containers")) {
                images.add(c.path("image").asText());
            }
        }
        return row;
    }

    private static void put(
            Map<String, ObjectNode> items, Map<String, Integer> counts, ObjectNode row, List<JsonNode> pods) {
        ArrayNode list = row.putArray("pods");
        pods.stream()
                .sorted((a, b) -> name(a).compareTo(name(b)))
                .forEach(p -> list.addObject()
                        .put("name", name(p))
                        .put("status", podStatus(p))
                        .put("ready", podReady(p))
                        .put("node", p.path("spec").path("nodeName").asText("")));
        String kind = row.path("kind").asText();
        counts.merge(kind, 1, Integer::sum);
        items.put(
                kind + "/" + row.path("namespace").asText() + "/"
                        + row.path("name").asText(),
                row);
    }

    private static void rollout(ObjectNode row, RolloutStatus status) {
        row.putObject("rollout").put("state", status.state()).put("message", status.message());
    }

    private static String uid(JsonNode o) {
        return o.path("metadata").path("uid").asText();
    }

    private static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    private static String revision(JsonNode o) {
        return o.path("metadata")
                .path("annotations")
                .path("deployment.kubernetes.io/revision")
                .asText("");
    }

    private static String selectorText(JsonNode selector) {
        List<String> parts = new ArrayList<>();
        selector.fields()
                .forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(",", parts);
    }

    /** kubectl's STATUS column for a Job (1.32). */
    private static String jobStatus(JsonNode job) {
        if (hasCondition(job, "Complete")) {
            return "Complete";
        }
        if (hasCondition(job, "Failed")) {
            return "Failed";
        }
        if (job.path("metadata").has("deletionTimestamp")) {
            return "Terminating";
        }
        if (hasCondition(job, "Suspended")) {
            return "Suspended";
        }
        if (hasCondition(job, "FailureTarget")) {
            return "FailureTarget";
        }
        if (hasCondition(job, "SuccessCriteriaMet")) {
            return "SuccessCriteriaMet";
        }
        return "Running";
    }

    private static boolean hasCondition(JsonNode o, String type) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)
                    && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    /** A pod's status as kubectl's STATUS column says it, in short (as the pods page does). */
    private static String podStatus(JsonNode pod) {
        if (pod.path("metadata").has("deletionTimestamp")) {
            return "Terminating";
        }
        String phase = pod.path("status").path("phase").asText("Pending");
        if (phase.equals("Succeeded")) {
            return phase;
        }
        String reason = "";
        for (JsonNode cs : pod.path("status").path("containerStatuses")) {
            String r = cs.path("state").path("waiting").path("reason").asText("");
            if (r.isEmpty()) {
                r = cs.path("state").path("terminated").path("reason").asText("");
            }
            if (!r.isEmpty()) {
                reason = r;
            }
        }
        return reason.isEmpty() ? phase : reason;
    }

    private static String podReady(JsonNode pod) {
        int ready = 0;
        for (JsonNode cs : pod.path("status").path("containerStatuses")) {
            ready += cs.path("ready").asBoolean(false) ? 1 : 0;
        }
        return ready + "/" + pod.path("spec").path("containers").size();
    }
}
