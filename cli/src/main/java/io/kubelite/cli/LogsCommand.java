package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.runtime.DurationConverter;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl logs POD}: copies a container's log from the API server's pod log endpoint to stdout as it
 * arrives; with {@code -f} until the log ends. When the API server has no such pod, or the pod's
 * node does not answer, the lines come from the cluster's log store instead ({@link StoredPodLogs}).
 * {@code kl logs -l SELECTOR} is always answered from the log store ({@link SelectorLogs}).
 * {@code kl logs search} ({@link LogsSearchCommand}) is its subcommand, so a pod named {@code search}
 * must be given as {@code pod/search}.
 */
@Command(name = "logs", description = "Print the logs of a container in a pod, or of the pods a selector matches.")
final class LogsCommand implements Callable<Integer> {
    // 0..1, checked in call(): picocli would demand it of `kl logs search` too
    @Parameters(arity = "0..1", paramLabel = "POD")
    String pod;

    @Option(names = {"-c", "--container"})
    String container;

    @Option(names = {"-f", "--follow"})
    boolean follow;

    @Option(names = {"-p", "--previous"})
    boolean previous;

    // null when not given: a selector then shows 10 per container, as kubectl; an explicit -1 shows all
    @Option(
            names = "--tail",
            description = "Lines of recent log to show; -1: all. Default: all, or 10 per container with a selector.")
    Long tail;

    @Option(
            names = {"-l", "--selector"},
            description = "Label selector: the lines of every matching pod, deleted ones included, from the log store.")
    String selector;

    @Option(names = "--all-containers", description = "With -l: every container of each pod, not its default one.")
    boolean allContainers;

    @Option(
            names = "--since",
            converter = DurationConverter.class,
            description = "Only lines newer than this, e.g. 1h.")
    Duration since;

    @Option(names = "--since-time", description = "Only lines at or after this RFC 3339 time.")
    String sinceTime;

    @Option(names = "--prefix", description = "Start each line with [pod/NAME/CONTAINER].")
    boolean prefix;

    @Option(
            names = "--max-log-requests",
            defaultValue = "5",
            description = "With -l -f: at most this many containers followed (default ${DEFAULT-VALUE}, as kubectl).")
    int maxLogRequests;

    private final KlContext ctx;

    LogsCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (pod == null && selector == null) {
            throw new KlException("error: expected 'logs POD', 'logs -l SELECTOR' or 'logs search QUERY'", 2);
        }
        if (pod != null && selector != null) {
            throw new KlException("error: only a selector (-l) or a POD name is allowed");
        }
        if (pod != null && (allContainers || prefix)) {
            throw new KlException("error: kl supports --all-containers and --prefix with -l only");
        }
        if (selector != null && previous) {
            throw new KlException(
                    "error: kl answers --previous from the log store for one pod (kl logs POD -p), not with -l");
        }
        if (maxLogRequests <= 0) {
            throw new KlException("error: --max-log-requests must be greater than 0");
        }
        StoreRange range = StoreRange.of(since, sinceTime, ctx.clock());
        LogStoreClient store = new LogStoreClient(ctx.client());
        if (selector != null) {
            new SelectorLogs(ctx, store, new StorePager(store))
                    .run(new SelectorLogs.Request(
                            ctx.namespace(),
                            selector,
                            container,
                            allContainers,
                            range,
                            tail == null ? 10 : tail,
                            prefix,
                            follow,
                            maxLogRequests));
            return 0;
        }
        String name = pod.startsWith("pod/") ? pod.substring(4) : pod.startsWith("pods/") ? pod.substring(5) : pod;
        HttpResponse<InputStream> r = open(item(PodKind.RESOURCE, ctx.namespace(), name) + "/log" + query(range));
        if (r.statusCode() == 200) {
            copy(r.body());
            return 0;
        }
        ApiClient.Resp failed = new ApiClient.Resp(r.statusCode(), ApiClient.drain(r.body()));
        String why = whyTheStore(failed, name);
        if (why == null) {
            throw ApiClient.error(failed);
        }
        JsonNode live = null;
        if (failed.code() != 404) {
            ApiClient.Resp p = ctx.client().get(item(PodKind.RESOURCE, ctx.namespace(), name));
            live = p.ok() ? p.json() : null;
        }
        new StoredPodLogs(ctx, store, new StorePager(store))
                .run(new StoredPodLogs.Request(
                        ctx.namespace(),
                        name,
                        container,
                        range,
                        tail == null ? -1 : tail,
                        previous,
                        follow,
                        live,
                        why,
                        ApiClient.error(failed)));
        return 0;
    }

    /**
     * Why the log store should answer instead, or null when the API server's answer stands: the
     * pod is gone (404), or its kubelet did not answer (the API server's 500 {@code Get "http://...":}
     * dial error, as kube-apiserver words it).
     */
    private static String whyTheStore(ApiClient.Resp failed, String name) {
        String message = failed.body();
        try {
            JsonNode s = ApiClient.JSON.readTree(failed.body());
            message = s.path("message").asText(message);
        } catch (Exception ignored) {
            // not a Status: the body is the message
        }
        if (failed.code() == 404) {
            return message.equals("pods \"" + name + "\" not found")
                    ? "pod \"" + name + "\" not found"
                    : "the node of pod \"" + name + "\" does not know it (" + message.strip() + ")";
        }
        if (failed.code() == 500 && message.startsWith("Get \"http")) {
            int colon = message.indexOf("\": ");
            return "the node of pod \"" + name + "\" does not answer ("
                    + (colon < 0 ? message : message.substring(colon + 3)).strip() + ")";
        }
        return null;
    }

    /** The API server's log parameters; {@code --since-time} goes as whole seconds since, as the kubelet takes it. */
    private String query(StoreRange range) {
        StringBuilder q = new StringBuilder();
        if (container != null) {
            q.append("&container=").append(enc(container));
        }
        if (follow) {
            q.append("&follow=true");
        }
        if (previous) {
            q.append("&previous=true");
        }
        if (tail != null && tail >= 0) {
            q.append("&tailLines=").append(tail);
        }
        if (since != null || sinceTime != null) {
            long seconds = Math.max(1, -Math.floorDiv(range.startNanos() - range.endNanos(), 1_000_000_000L));
            q.append("&sinceSeconds=").append(seconds);
        }
        return q.length() > 0 ? "?" + q.substring(1) : "";
    }

    private HttpResponse<InputStream> open(String path) {
        try {
            return ctx.client().open(path, Duration.ofSeconds(60));
        } catch (ConnectException e) {
            throw ctx.client().unreachable();
        } catch (javax.net.ssl.SSLException e) {
            throw ctx.client().tlsFailure(e);
        } catch (java.io.IOException e) {
            throw new KlException("error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KlException("error: interrupted");
        }
    }

    private void copy(InputStream body) throws java.io.IOException {
        try (InputStream in = body) {
            byte[] buf = new byte[8192];
            int n;
            // flushed per read: with -f the lines must show as they come
            while ((n = in.read(buf)) > 0) {
                ctx.out().write(buf, 0, n);
                ctx.out().flush();
            }
        }
    }
}
