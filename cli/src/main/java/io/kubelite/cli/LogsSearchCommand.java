package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Service (or no ready log store behind it) is a one-line message saying so.
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

    private final KlContext ctx;

    LogsSearchCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!direction.equals("forward") && !direction.equals("backward")) {
            throw new KlException("error: --direction must be forward or backward, not \"" + direction + "\"");
        }
        JsonNode answer = queryRange("since=" + q(since) + "&limit=" + limit + "&direction=" + direction);
        for (LokiLines.Line l : LokiLines.of(answer)) {
            ctx.out().println(l.printed());
        }
        ctx.out().flush();
        return 0;
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
