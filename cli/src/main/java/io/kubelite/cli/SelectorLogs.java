package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * {@code kl logs -l SELECTOR}, answered from the log store, so pods already deleted (and pods on
 * dead nodes) are included: finds the matching streams ({@code /series}), picks the containers as
 * kubectl does, reads each container's lines ({@code --tail} per container, as kubectl; all of
 * them with {@code --tail=-1}), and prints them merged by time ({@link TimeMerge}), with kubectl's
 * {@code [pod/NAME/CONTAINER]} prefix when asked. Containers: {@code -c} only that one;
 * {@code --all-containers} all; otherwise each pod's default container ({@link DefaultContainer})
 * while the API server still has the pod, and all the store has of a pod that is gone (the store
 * keeps no pod spec, so kl cannot know which was the default and shows them all rather than guess).
 */
final class SelectorLogs {
    /** What {@code kl logs -l} was asked. */
    record Request(
            String namespace,
            String selector,
            String container,
            boolean allContainers,
            StoreRange range,
            long tail,
            boolean prefix,
            boolean follow,
            int maxLogRequests) {}

    private final KlContext ctx;
    private final LogStoreClient store;
    private final StorePager pager;

    SelectorLogs(KlContext ctx, LogStoreClient store, StorePager pager) {
        this.ctx = ctx;
        this.store = store;
        this.pager = pager;
    }

    void run(Request req) {
        List<String> matchers = new ArrayList<>();
        matchers.add("namespace=\"" + req.namespace() + "\"");
        matchers.addAll(SelectorLogQl.matchers(req.selector()));
        String selector = "{" + String.join(", ", matchers) + "}";

        Map<String, TreeSet<String>> chosen = containers(req, selector);
        int streams = chosen.values().stream().mapToInt(TreeSet::size).sum();
        if (req.follow() && streams > req.maxLogRequests()) {
            throw new KlException("error: you are attempting to follow " + streams
                    + " log streams, but maximum allowed concurrency is " + req.maxLogRequests()
                    + ", use --max-log-requests to increase the limit");
        }
        List<List<LokiLines.Line>> perStream = new ArrayList<>();
        chosen.forEach((pod, cs) -> {
            for (String c : cs) {
                String q = selector.substring(0, selector.length() - 1) + ", pod=\"" + pod + "\", container=\"" + c
                        + "\"}";
                perStream.add(
                        req.tail() >= 0
                                ? pager.newest(
                                        q, req.range().startNanos(), req.range().endNanos(), req.tail())
                                : pager.all(
                                        q, req.range().startNanos(), req.range().endNanos()));
            }
        });
        List<LokiLines.Line> merged = TimeMerge.merge(perStream);
        print(merged, req.prefix());
        if (req.follow()) {
            FollowWindow window = new FollowWindow();
            window.first(merged);
            // pods that appear while following: their default container is not known yet, so all
            Predicate<LokiLines.Line> keep = l -> req.container() != null
                    ? l.container().equals(req.container())
                    : req.allContainers()
                            || !chosen.containsKey(l.pod())
                            || chosen.get(l.pod()).contains(l.container());
            new StoreTail(ctx, store, selector, keep, lines -> print(lines, req.prefix()))
                    .follow(window, req.range().startNanos());
        }
    }

    /** Pod name → the containers to print, both sorted (the merge's order for equal timestamps). */
    private Map<String, TreeSet<String>> containers(Request req, String selector) {
        Map<String, TreeSet<String>> inStore = new TreeMap<>();
        for (JsonNode s :
                store.series(selector, req.range().startNanos(), req.range().endNanos())) {
            inStore.computeIfAbsent(s.path("pod").asText(), k -> new TreeSet<>())
                    .add(s.path("container").asText());
        }
        if (req.container() != null) {
            inStore.values().forEach(cs -> cs.retainAll(List.of(req.container())));
        } else if (!req.allContainers() && !inStore.isEmpty()) {
            Map<String, String> defaults = liveDefaults(req);
            inStore.forEach((pod, cs) -> {
                String d = defaults.get(pod);
                if (d != null && cs.contains(d)) {
                    cs.retainAll(List.of(d));
                }
            });
        }
        inStore.values().removeIf(TreeSet::isEmpty);
        return inStore;
    }

    /** The default container of each matching pod the API server still has. */
    private Map<String, String> liveDefaults(Request req) {
        JsonNode list = ctx.client()
                .getOk("/api/v1/namespaces/" + enc(req.namespace()) + "/pods?labelSelector=" + enc(req.selector()));
        Map<String, String> out = new HashMap<>();
        for (JsonNode pod : list.path("items")) {
            String d = DefaultContainer.of(pod);
            if (d != null) {
                out.put(pod.path("metadata").path("name").asText(), d);
            }
        }
        return out;
    }

    private void print(List<LokiLines.Line> lines, boolean prefix) {
        for (LokiLines.Line l : lines) {
            ctx.out().println(prefix ? l.printed() : l.text());
        }
        ctx.out().flush();
    }
}
