package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;

import com.fasterxml.jackson.databind.JsonNode;
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
 * then polls for new lines ({@link FollowWindow}) until interrupted.
 */
@Command(name = "search", description = "Search the cluster's log store with a LogQL query.")
final class LogsSearchCommand implements Callable<Integer> {
    /** Where the log store's API is, through the API server. */
    static final String STORE = "/api/v1/namespaces/kube-system/services/log-store:http/proxy";

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
            description = "After the answer, print new matching lines as they arrive (polls every second).")
    boolean follow;

    /** How often a followed search asks again. */
    static final long POLL_MILLIS = 1000;

    private final KlContext ctx;

    LogsSearchCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!direction.equals("forward") && !direction.equals("backward")) {
            throw new KlException("error: --direction must be forward or backward, not \"" + direction + "\"");
        }
        String range = "since=" + q(since) + "&limit=" + limit + "&direction=" + direction;
        List<LokiLines.Line> first = LokiLines.of(queryRange(range));
        print(first);
        if (follow) {
            follow(range, first);
        }
        return 0;
    }

    /**
     * Polls {@code query_range} forward from just before the newest line printed until interrupted
     * (Ctrl-C ends the process), printing the lines not printed yet.
     */
    private void follow(String range, List<LokiLines.Line> first) {
        FollowWindow window = new FollowWindow();
        window.first(first);
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String params = window.started()
                    ? "start=" + window.start() + "&limit=" + FOLLOW_LIMIT + "&direction=forward"
                    : range;
            print(window.fresh(LokiLines.of(queryRange(params))));
        }
    }

    /** The store's most lines per answer: a poll takes as many as it can. */
    static final int FOLLOW_LIMIT = 5000;

    private void print(List<LokiLines.Line> lines) {
        for (LokiLines.Line l : lines) {
            ctx.out().println(l.printed());
        }
        ctx.out().flush();
    }

    /** {@code query_range} with the query and {@code params}; the store's or the proxy's error as one line. */
    JsonNode queryRange(String params) {
        ApiClient.Resp r = ctx.client().get(STORE + "/loki/api/v1/query_range?query=" + q(query) + "&" + params);
        if (r.ok()) {
            return r.json();
        }
        throw failure(r);
    }

    /** Query-string encoding with {@code %20} for spaces: the proxy passes the query on as it is. */
    private static String q(String s) {
        return enc(s).replace("+", "%20");
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
