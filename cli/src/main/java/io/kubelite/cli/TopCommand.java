package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code kl top node|pod}: CPU and memory usage from the metrics API ({@code metrics.k8s.io/v1beta1},
 * served by {@code kubelite metrics-server} behind the API server), printed as {@code kubectl top}
 * prints it. Like kubectl, it first checks the API server's discovery for the group and says
 * {@code error: Metrics API not available} when it is missing.
 */
@Command(name = "top", description = "Display resource (CPU/memory) usage of nodes or pods.")
final class TopCommand implements Runnable {
    static final String GROUP = "metrics.k8s.io";
    static final String BASE = "/apis/" + GROUP + "/v1beta1";

    private final KlContext ctx;

    TopCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    /** The subcommands, added to this command's picocli CommandLine by {@link Kl}. */
    List<Object> subcommands() {
        return List.of(new TopNodeCommand(ctx), new TopPodCommand(ctx));
    }

    @Override
    public void run() {
        throw new KlException("error: a subcommand is required: node or pod", 2);
    }

    /** kubectl's {@code SupportedMetricsAPIVersionAvailable}: the group with v1beta1 in {@code /apis}. */
    static void requireMetricsApi(ApiClient api) {
        JsonNode groups = api.getOk("/apis").path("groups");
        for (JsonNode g : groups) {
            if (GROUP.equals(g.path("name").asText())) {
                for (JsonNode v : g.path("versions")) {
                    if ("v1beta1".equals(v.path("version").asText())) {
                        return;
                    }
                }
            }
        }
        throw new KlException("error: Metrics API not available");
    }

    /** {@code ?labelSelector=..&fieldSelector=..}, only the parameters given. */
    static String query(String labelSelector, String fieldSelector) {
        StringBuilder q = new StringBuilder();
        if (labelSelector != null && !labelSelector.isEmpty()) {
            q.append("labelSelector=").append(ApiPaths.enc(labelSelector));
        }
        if (fieldSelector != null && !fieldSelector.isEmpty()) {
            q.append(q.isEmpty() ? "" : "&").append("fieldSelector=").append(ApiPaths.enc(fieldSelector));
        }
        return q.isEmpty() ? "" : "?" + q;
    }

    /** {@code --sort-by} must be cpu or memory, as kubectl checks. */
    static void checkSortBy(String sortBy) {
        if (sortBy != null && !sortBy.isEmpty() && !sortBy.equals("cpu") && !sortBy.equals("memory")) {
            throw new KlException("error: --sort-by accepts only cpu or memory", 1);
        }
    }
}
