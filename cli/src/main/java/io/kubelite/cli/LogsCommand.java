package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;

import io.kubelite.kinds.core.pod.PodKind;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl logs POD}: copies a container's log from the API server's pod log endpoint to stdout as it
 * arrives; with {@code -f} until the log ends (the container's or the kubelet's connection closes).
 * {@code kl logs search} ({@link LogsSearchCommand}) is its subcommand, so a pod named {@code search}
 * must be given as {@code pod/search}.
 */
@Command(name = "logs", description = "Print the logs of a container in a pod.")
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

    @Option(names = "--tail", defaultValue = "-1")
    long tail;

    private final KlContext ctx;

    LogsCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (pod == null) {
            throw new KlException("error: expected 'logs POD' or 'logs search QUERY'", 2);
        }
        String name = pod.startsWith("pod/") ? pod.substring(4) : pod.startsWith("pods/") ? pod.substring(5) : pod;
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
        if (tail >= 0) {
            q.append("&tailLines=").append(tail);
        }
        String path =
                item(PodKind.RESOURCE, ctx.namespace(), name) + "/log" + (q.length() > 0 ? "?" + q.substring(1) : "");
        try (InputStream in = ctx.client().stream(path)) {
            byte[] buf = new byte[8192];
            int n;
            // flushed per read: with -f the lines must show as they come
            while ((n = in.read(buf)) > 0) {
                ctx.out().write(buf, 0, n);
                ctx.out().flush();
            }
        }
        return 0;
    }
}
