package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.store.Resource;
import io.kubelite.store.Resources;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.enc;
import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.resource;
import static io.kubelite.cli.ResourceArgs.targets;
import static io.kubelite.cli.ResourceArgs.typeName;

/**
 * {@code kl}: a kubectl-like CLI for kubelite (see docs/kl.md). This class is the root command: the
 * global options, the entry points, and the wiring of the commands around one {@link KlContext}.
 */
@Command(name = "kl", mixinStandardHelpOptions = true, version = "kl 0.1.0",
        description = "kubectl-like CLI for kubelite.")
public final class Kl implements Callable<Integer> {
    @Option(names = "--server", scope = CommandLine.ScopeType.INHERIT, description = "API server URL.")
    String server;
    @Option(names = "--token", scope = CommandLine.ScopeType.INHERIT, description = "Bearer token.")
    String token;
    @Option(names = "--kubeconfig", scope = CommandLine.ScopeType.INHERIT, description = "kubeconfig file.")
    String kubeconfig;
    @Option(names = {"-n", "--namespace"}, scope = CommandLine.ScopeType.INHERIT, description = "Namespace.")
    String namespace;
    @Option(names = "--certificate-authority", scope = CommandLine.ScopeType.INHERIT,
            description = "PEM file of the CA that signed the server's certificate.")
    String certificateAuthority;
    @Option(names = "--insecure-skip-tls-verify", scope = CommandLine.ScopeType.INHERIT,
            description = "Do not check the server's certificate (insecure).")
    boolean insecureSkipTlsVerify;

    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    private Kl(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv(), Clock.systemUTC()));
    }

    /** Runs kl and returns its exit code; output goes to {@code out}/{@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        Kl kl = new Kl(out);
        KlContext context = new KlContext(kl::flags, System.in, out, err, env, clock);
        CommandLine cl = new CommandLine(kl);
        // before setOut/setErr and the handler: picocli hands those only to the subcommands it already has
        commands(context).forEach(cl::addSubcommand);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof KlException ke) {
                err.println(ke.getMessage());
                return ke.code;
            }
            err.println("error: " + e);
            return 1;
        });
        return cl.execute(args);
    }

    /** kl's commands, in the order its help lists them. */
    private static List<Object> commands(KlContext c) {
        return List.of(new GetCommand(c), new DescribeCommand(c), new ApplyCommand(c), new CreateCommand(c), new DeleteCommand(c), new ScaleCommand(c),
                new LabelCommand(c), new AnnotateCommand(c), new TaintCommand(c), new Cordon(c), new Uncordon(c), new Drain(c), new Logs(c),
                new Inspect(c));
    }

    /** The global options, which picocli has filled in by the time a command asks. */
    private KlContext.Flags flags() {
        return new KlContext.Flags(server, token, kubeconfig, namespace, certificateAuthority, insecureSkipTlsVerify);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 0;
    }

    // ------------------------------------------------------------------ shared

    static void setUnschedulable(KlContext ctx, ApiClient c, String node, boolean value) {
        String path = item(Resources.NODES, null, node);
        JsonNode n = c.getOk(path);
        if (n.path("spec").path("unschedulable").asBoolean() == value) {
            ctx.out().println("node/" + node + " already " + (value ? "cordoned" : "uncordoned"));
            return;
        }
        MergePatch.send(c, path, "{\"spec\":{\"unschedulable\":" + (value ? "true" : "null") + "}}");
        ctx.out().println("node/" + node + (value ? " cordoned" : " uncordoned"));
    }

    /** cordon and uncordon: the same command but for the value of spec.unschedulable. */
    abstract static class Schedulability implements Callable<Integer> {
        private final KlContext ctx;

        Schedulability(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1..*")
        List<String> nodes;

        abstract boolean unschedulable();

        @Override
        public Integer call() {
            ApiClient c = ctx.client();
            nodes.forEach(n -> setUnschedulable(ctx, c, n, unschedulable()));
            return 0;
        }
    }

    @Command(name = "cordon", description = "Mark a node unschedulable.")
    static final class Cordon extends Schedulability {
        Cordon(KlContext ctx) {
            super(ctx);
        }

        @Override
        boolean unschedulable() {
            return true;
        }
    }

    @Command(name = "uncordon", description = "Mark a node schedulable.")
    static final class Uncordon extends Schedulability {
        Uncordon(KlContext ctx) {
            super(ctx);
        }

        @Override
        boolean unschedulable() {
            return false;
        }
    }

    @Command(name = "drain", description = "Cordon a node and delete the pods on it.")
    static final class Drain implements Callable<Integer> {
        private final KlContext ctx;

        Drain(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1")
        String node;
        @Option(names = "--grace-period", defaultValue = "-1")
        long grace;
        @Option(names = "--ignore-daemonsets")
        boolean ignoreDaemonsets;
        @Option(names = "--delete-emptydir-data")
        boolean deleteEmptyDir;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() {
            ApiClient c = ctx.client();
            setUnschedulable(ctx, c, node, true);
            JsonNode pods = c.getOk("/api/v1/pods?fieldSelector=" + enc("spec.nodeName=" + node));
            String q = grace >= 0 ? "?gracePeriodSeconds=" + grace : "";
            for (JsonNode p : pods.path("items")) {
                String ns = p.path("metadata").path("namespace").asText();
                String name = p.path("metadata").path("name").asText();
                ctx.out().println("evicting pod " + ns + "/" + name);
                ApiClient.Resp d = c.call("DELETE", item(Resources.PODS, ns, name) + q, null, null);
                if (!d.ok() && d.code() != 404) {
                    throw ApiClient.error(d);
                }
                ctx.out().println("pod/" + name + " evicted");
            }
            ctx.out().println("node/" + node + " drained");
            return 0;
        }
    }

    @Command(name = "logs", description = "Print the logs of a container in a pod.")
    static final class Logs implements Callable<Integer> {
        private final KlContext ctx;

        Logs(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1")
        String pod;
        @Option(names = {"-c", "--container"})
        String container;
        @Option(names = {"-f", "--follow"})
        boolean follow;
        @Option(names = {"-p", "--previous"})
        boolean previous;
        @Option(names = "--tail", defaultValue = "-1")
        long tail;

        @Override
        public Integer call() throws Exception {
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
            String path = item(Resources.PODS, ctx.namespace(), name) + "/log" + (q.length() > 0 ? "?" + q.substring(1) : "");
            try (InputStream in = ctx.client().stream(path)) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    ctx.out().write(buf, 0, n);
                    ctx.out().flush();
                }
            }
            return 0;
        }
    }
}
