package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.runtime.DurationConverter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl logs search QUERY}: a LogQL query against the cluster's log store (Loki's
 * {@code /loki/api/v1/query_range}), reached as kubectl reaches an add-on, through the API
 * server's service proxy at {@code kube-system/log-store:http}; kl talks only to the API server.
 * Prints the lines as {@code kubectl logs --prefix} does ({@code [pod/NAME/CONTAINER] line}),
 * oldest first. A query the store refuses is its one-line error and exit code 1; no log-store
 * Service (or no ready log store behind it) is a one-line message saying so. With {@code -f} it
 * then follows the store's live tail ({@link StoreTail}) until interrupted.
 */
@Command(name = "search", description = "Search the cluster's log store with a LogQL query.")
final class LogsSearchCommand implements Callable<Integer> {
    /** Where the log store's API is, through the API server. */
    static final String STORE = LogStoreClient.STORE;

    @Parameters(
            arity = "1",
            paramLabel = "QUERY",
            description = "LogQL, e.g. '{namespace=\"x\", app=\"web\"} |= \"error\"'")
    String query;

    @Option(names = "--since", defaultValue = "1h", description = "How far back to search (default ${DEFAULT-VALUE}).")
    String since;

    @Option(
            names = "--limit",
            defaultValue = "100",
            description = "At most this many lines (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--direction",
            defaultValue = "backward",
            description = "backward: the newest lines (default); forward: the oldest. Printed oldest first either way.")
    String direction;

    @Option(
            names = {"-f", "--follow"},
            description = "After the answer, print new matching lines as they arrive (the store's live tail).")
    boolean follow;

    private final KlContext ctx;

    LogsSearchCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!direction.equals("forward") && !direction.equals("backward")) {
            throw new KlException("error: --direction must be forward or backward, not \"" + direction + "\"");
        }
        LogStoreClient store = new LogStoreClient(ctx.client());
        List<LokiLines.Line> first = store.queryRange(
                query, "since=" + LogStoreClient.q(since) + "&limit=" + limit + "&direction=" + direction);
        print(first);
        if (follow) {
            FollowWindow window = new FollowWindow();
            window.first(first);
            Instant now = ctx.clock().instant();
            long from = (now.getEpochSecond() * 1_000_000_000L + now.getNano())
                    - DurationConverter.parse(since).toNanos();
            new StoreTail(ctx, store, query, l -> true, this::print).follow(window, from);
        }
        return 0;
    }

    private void print(List<LokiLines.Line> lines) {
        for (LokiLines.Line l : lines) {
            ctx.out().println(l.printed());
        }
        ctx.out().flush();
    }

    /** A Status is the API server's (no Service, no endpoints); anything else is the store's own error text. */
    static KlException failure(ApiClient.Resp r) {
        JsonNode status = null;
        try {
            JsonNode j = ApiClient.JSON.readTree(r.body());
            if (j != null && "Status".equals(j.path("kind").asText())) {
                status = j;
            }
        } catch (Exception ignored) {
            // the log store answers errors in plain text, as Loki does
        }
        if (status == null) {
            String text = r.body().strip();
            int nl = text.indexOf('\n');
            return new KlException("error: " + (nl < 0 ? text : text.substring(0, nl)));
        }
        String message = status.path("message").asText();
        if (r.code() == 404
                && (status.path("details").path("kind").asText().equals("services")
                        || message.startsWith("services \""))) {
            return new KlException("error: no log store: the Service kube-system/log-store is not there "
                    + "(kubelite addons creates it)");
        }
        if (r.code() == 503) {
            return new KlException("error: the log store is not reachable through kube-system/log-store: " + message);
        }
        return ApiClient.error(r);
    }
}
