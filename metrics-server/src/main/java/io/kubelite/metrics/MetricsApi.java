package io.kubelite.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Selectors;
import io.kubelite.store.informer.Informer;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code metrics.k8s.io/v1beta1} API as metrics-server serves it, answering from the node and
 * pod informers (which objects exist, and their labels) and {@link MetricsStorage} (their usage):
 * discovery ({@code /apis}, {@code /apis/metrics.k8s.io}, {@code /apis/metrics.k8s.io/v1beta1}),
 * {@code nodes[/NAME]}, {@code pods}, {@code namespaces/NS/pods[/NAME]}, with {@code labelSelector}
 * and {@code fieldSelector} ({@code metadata.name}, {@code metadata.namespace}). Objects without
 * usage are left out of lists; a get of one answers kube's 404 Status
 * ({@code nodemetrics.metrics.k8s.io "x" not found}). Pure: no I/O, safe on an event loop.
 */
public final class MetricsApi {
    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";
    public static final String GROUP_VERSION = GROUP + "/" + VERSION;
    private static final String BASE = "/apis/" + GROUP_VERSION;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** An answer: HTTP status and JSON body. */
    public record Answer(int code, ObjectNode body) {}

    private final Informer<Node> nodes;
    private final Informer<Pod> pods;
    private final MetricsStorage storage;
    private final Clock clock;

    public MetricsApi(Informer<Node> nodes, Informer<Pod> pods, MetricsStorage storage, Clock clock) {
        this.nodes = nodes;
        this.pods = pods;
        this.storage = storage;
        this.clock = clock;
    }

    /** Answers a GET of {@code path} with query parameters {@code query} (single values). */
    public Answer get(String path, Map<String, String> query) {
        try {
            return new Answer(200, route(stripSlash(path), query));
        } catch (ApiException e) {
            return new Answer(e.code(), e.toStatus());
        }
    }

    private ObjectNode route(String path, Map<String, String> q) {
        if (path.equals("/apis")) {
            ObjectNode list = typed("APIGroupList", "v1");
            list.putArray("groups").add(group());
            return list;
        }
        if (path.equals("/apis/" + GROUP)) {
            return group().put("kind", "APIGroup").put("apiVersion", "v1");
        }
        if (path.equals(BASE)) {
            return resources();
        }
        if (!path.startsWith(BASE + "/")) {
            throw notFound("the server could not find the requested resource");
        }
        String[] p = path.substring(BASE.length() + 1).split("/");
        if (p.length == 1 && p[0].equals("nodes")) {
            return nodeList(q);
        }
        if (p.length == 2 && p[0].equals("nodes")) {
            return nodeMetrics(p[1]);
        }
        if (p.length == 1 && p[0].equals("pods")) {
            return podList(null, q);
        }
        if (p.length == 3 && p[0].equals("namespaces") && p[2].equals("pods")) {
            return podList(p[1], q);
        }
        if (p.length == 4 && p[0].equals("namespaces") && p[2].equals("pods")) {
            return podMetrics(p[1], p[3]);
        }
        throw notFound("the server could not find the requested resource");
    }

    private ObjectNode nodeList(Map<String, String> q) {
        Predicate<ObjectMeta> labels = Selectors.labels(q.get("labelSelector"));
        Predicate<ObjectMeta> fields = FieldSelector.parse(q.get("fieldSelector"));
        ObjectNode list = typed("NodeMetricsList", GROUP_VERSION);
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        nodes.list().stream()
                .map(Node::getMetadata)
                .filter(labels.and(fields))
                .sorted(Comparator.comparing(ObjectMeta::getName))
                .forEach(m -> {
                    ObjectNode o = nodeMetrics(m);
                    if (o != null) {
                        items.add(o);
                    }
                });
        return list;
    }

    private ObjectNode nodeMetrics(String name) {
        ObjectNode o = nodes.get(name).map(n -> nodeMetrics(n.getMetadata())).orElse(null);
        if (o == null) {
            throw new ApiException(
                    404,
                    "NotFound",
                    "nodemetrics." + GROUP + " \"" + name + "\" not found",
                    name,
                    GROUP,
                    "nodemetrics",
                    null,
                    null);
        }
        return o;
    }

    private ObjectNode nodeMetrics(ObjectMeta m) {
        Usage u = storage.node(m.getName());
        if (u == null) {
            return null;
        }
        ObjectNode o = typed("NodeMetrics", GROUP_VERSION);
        meta(o, m, false);
        times(o, u);
        usage(o.putObject("usage"), u);
        return o;
    }

    private ObjectNode podList(String namespace, Map<String, String> q) {
        Predicate<ObjectMeta> labels = Selectors.labels(q.get("labelSelector"));
        Predicate<ObjectMeta> fields = FieldSelector.parse(q.get("fieldSelector"));
        ObjectNode list = typed("PodMetricsList", GROUP_VERSION);
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        List<Pod> candidates = namespace == null ? pods.list() : pods.byNamespace(namespace);
        candidates.stream()
                .map(Pod::getMetadata)
                .filter(labels.and(fields))
                .sorted(Comparator.comparing(ObjectMeta::getNamespace).thenComparing(ObjectMeta::getName))
                .forEach(m -> {
                    ObjectNode o = podMetrics(m);
                    if (o != null) {
                        items.add(o);
                    }
                });
        return list;
    }

    private ObjectNode podMetrics(String namespace, String name) {
        ObjectNode o =
                pods.get(namespace, name).map(p -> podMetrics(p.getMetadata())).orElse(null);
        if (o == null) {
            // metrics-server names the missing pod namespace/name
            String key = namespace + "/" + name;
            throw new ApiException(
                    404,
                    "NotFound",
                    "podmetrics." + GROUP + " \"" + key + "\" not found",
                    key,
                    GROUP,
                    "podmetrics",
                    null,
                    null);
        }
        return o;
    }

    private ObjectNode podMetrics(ObjectMeta m) {
        PodStorage.PodUsage u = storage.pod(new PodRef(m.getNamespace(), m.getName()));
        if (u == null) {
            return null;
        }
        ObjectNode o = typed("PodMetrics", GROUP_VERSION);
        meta(o, m, true);
        times(o, u.timeInfo());
        ArrayNode cs = o.putArray("containers");
        u.containers().forEach((name, cu) -> {
            ObjectNode c = cs.addObject();
            c.put("name", name);
            usage(c.putObject("usage"), cu);
        });
        return o;
    }

    private void meta(ObjectNode o, ObjectMeta m, boolean namespaced) {
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", m.getName());
        if (namespaced) {
            meta.put("namespace", m.getNamespace());
        }
        // as metrics-server: the metrics object is made now
        meta.put("creationTimestamp", rfc3339(clock.instant()));
        if (m.getLabelsCount() > 0) {
            ObjectNode labels = meta.putObject("labels");
            new java.util.TreeMap<>(m.getLabelsMap()).forEach(labels::put);
        }
    }

    private static void times(ObjectNode o, Usage u) {
        o.put("timestamp", rfc3339(u.timestamp()));
        o.put("window", GoDurations.format(u.window()));
    }

    private static void usage(ObjectNode usage, Usage u) {
        usage.put("cpu", Quantities.cpu(u.nanoCores()));
        usage.put("memory", Quantities.memory(u.memoryBytes()));
    }

    private static ObjectNode group() {
        ObjectNode g = JSON.objectNode();
        g.put("name", GROUP);
        ObjectNode v = JSON.objectNode().put("groupVersion", GROUP_VERSION).put("version", VERSION);
        g.putArray("versions").add(v);
        g.set("preferredVersion", v.deepCopy());
        return g;
    }

    private static ObjectNode resources() {
        ObjectNode list = typed("APIResourceList", "v1");
        list.put("groupVersion", GROUP_VERSION);
        ArrayNode rs = list.putArray("resources");
        resource(rs, "nodes", false, "NodeMetrics");
        resource(rs, "pods", true, "PodMetrics");
        return list;
    }

    private static void resource(ArrayNode rs, String name, boolean namespaced, String kind) {
        ObjectNode r = rs.addObject();
        r.put("name", name);
        r.put("singularName", "");
        r.put("namespaced", namespaced);
        r.put("kind", kind);
        r.putArray("verbs").add("get").add("list");
    }

    private static ObjectNode typed(String kind, String apiVersion) {
        return JSON.objectNode().put("kind", kind).put("apiVersion", apiVersion);
    }

    private static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message, null, null, null, null, null);
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** metav1.Time's JSON form: RFC 3339 in UTC, whole seconds. */
    static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
