package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code kl logs POD} answered from the log store, for a pod the API server no longer has or
 * whose node does not answer: the lines of the chosen container's current instance (the newest
 * pod of that name, its latest restart; {@code -p}: the restart before; {@link ContainerInstances})
 * with {@code --since}/{@code --since-time} and {@code --tail} as kubectl applies them, after a
 * one-line note on stderr saying where the lines come from. The container:
 * {@code -c}; else the live pod's default ({@link DefaultContainer}); else the only one the store
 * has; several without {@code -c} is the API server's "a container name must be specified" error.
 * A pod the store has no lines of either gets the API server's original error.
 */
final class StoredPodLogs {
    /** What was asked and why the store answers; {@code livePod} is null for a deleted pod. */
    record Request(
            String namespace,
            String pod,
            String container,
            StoreRange range,
            long tail,
            boolean previous,
            boolean follow,
            JsonNode livePod,
            String why,
            KlException apiError) {}

    private final KlContext ctx;
    private final LogStoreClient store;
    private final StorePager pager;

    StoredPodLogs(KlContext ctx, LogStoreClient store, StorePager pager) {
        this.ctx = ctx;
        this.store = store;
        this.pager = pager;
    }

    void run(Request req) {
        String selector = "{namespace=\"" + req.namespace() + "\", pod=\"" + req.pod() + "\"}";
        TreeSet<String> containers = new TreeSet<>();
        List<JsonNode> series;
        try {
            series = store.series(selector, 0, req.range().endNanos());
        } catch (KlException noStore) {
            throw req.apiError(); // no log store to ask: the API server's answer stands
        }
        series.forEach(s -> containers.add(s.path("container").asText()));
        if (containers.isEmpty()) {
            throw req.apiError();
        }
        String container = container(req, containers);
        String q = selector.substring(0, selector.length() - 1) + ", container=\"" + container + "\"}";
        // every instance of the name, then the one asked for: a tail must count that one's lines only
        List<LokiLines.Line> all =
                pager.all(q, req.range().startNanos(), req.range().endNanos());
        List<LokiLines.Line> lines =
                req.previous() ? ContainerInstances.previous(all) : ContainerInstances.current(all);
        if (req.previous() && lines.isEmpty()) {
            throw new KlException("error: " + req.why() + ", and the log store has no lines of a previous terminated"
                    + " container \"" + container + "\" in pod \"" + req.pod() + "\"");
        }
        if (req.tail() >= 0 && lines.size() > req.tail()) {
            lines = lines.subList(lines.size() - (int) req.tail(), lines.size());
        }
        ctx.err().println("kl: " + req.why() + "; showing its lines from the log store");
        print(lines);
        if (req.follow() && req.livePod() != null) {
            FollowWindow window = new FollowWindow();
            window.first(lines);
            new StoreTail(ctx, store, q, l -> true, this::print)
                    .follow(window, req.range().startNanos());
        }
    }

    private String container(Request req, TreeSet<String> containers) {
        if (req.container() != null) {
            if (!containers.contains(req.container())) {
                throw new KlException("error: the log store has no lines of container \"" + req.container()
                        + "\" of pod \"" + req.pod() + "\" (it has: " + String.join(", ", containers) + ")");
            }
            return req.container();
        }
        if (req.livePod() != null) {
            String d = DefaultContainer.of(req.livePod());
            if (d != null) {
                return d;
            }
        }
        if (containers.size() == 1) {
            return containers.first();
        }
        throw new KlException("error: a container name must be specified for pod " + req.pod() + ", choose one of: ["
                + String.join(" ", containers) + "]");
    }

    private void print(List<LokiLines.Line> lines) {
        for (LokiLines.Line l : lines) {
            ctx.out().println(l.text());
        }
        ctx.out().flush();
    }
}
