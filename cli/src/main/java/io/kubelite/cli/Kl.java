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
        return List.of(new GetCommand(c), new DescribeCommand(c), new ApplyCommand(c), new CreateCommand(c), new DeleteCommand(c), new Scale(c),
                new Label(c), new Annotate(c), new Taint(c), new Cordon(c), new Uncordon(c), new Drain(c), new Logs(c),
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

    // ------------------------------------------------------------------ small mutations

    @Command(name = "scale", description = "Set a new size for a ReplicaSet.")
    static final class Scale implements Callable<Integer> {
        private final KlContext ctx;

        Scale(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1..*", paramLabel = "TYPE NAME | TYPE/NAME")
        List<String> args;
        @Option(names = "--replicas", required = true)
        int replicas;

        @Override
        public Integer call() {
            ApiClient c = ctx.client();
            for (var t : targets(args)) {
                if (t.getKey() != Resources.REPLICA_SETS) {
                    throw new KlException("error: cannot scale " + t.getKey().plural() + ": no scale subresource");
                }
                // as kubectl: a patch of the scale subresource
                MergePatch.send(c, item(t.getKey(), ctx.namespace(), t.getValue()) + "/scale", "{\"spec\":{\"replicas\":" + replicas + "}}");
                ctx.out().println(typeName(t.getKey()) + "/" + t.getValue() + " scaled");
            }
            return 0;
        }
    }

    /** label and annotate: the same command over a different metadata map. */
    abstract static class MetaMap implements Callable<Integer> {
        private final KlContext ctx;

        MetaMap(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1..*", paramLabel = "TYPE NAME KEY=VAL... KEY-...")
        List<String> args;
        @Option(names = "--overwrite")
        boolean overwrite;

        abstract String field();

        abstract String verb();

        @Override
        public Integer call() {
            ApiClient c = ctx.client();
            List<String> refs = new ArrayList<>();
            List<String> changes = new ArrayList<>();
            for (String a : args) {
                (a.contains("=") || (a.endsWith("-") && !refs.isEmpty() && !a.contains("/")
                        && refs.size() >= (refs.get(0).contains("/") ? 1 : 2)) ? changes : refs).add(a);
            }
            if (changes.isEmpty()) {
                throw new KlException("error: at least one " + field().replaceAll("s$", "") + " update is required");
            }
            for (var t : targets(refs)) {
                String path = item(t.getKey(), ctx.namespace(), t.getValue());
                JsonNode cur = c.getOk(path).path("metadata").path(field());
                ObjectNode m = ApiClient.JSON.createObjectNode();
                for (String ch : changes) {
                    if (ch.endsWith("-") && !ch.contains("=")) {
                        m.putNull(ch.substring(0, ch.length() - 1));
                    } else {
                        String k = ch.substring(0, ch.indexOf('='));
                        String v = ch.substring(ch.indexOf('=') + 1);
                        if (cur.has(k) && !overwrite && !cur.path(k).asText().equals(v)) {
                            throw new KlException("error: '" + k + "' already has a value (" + cur.path(k).asText()
                                    + "), and --overwrite is false");
                        }
                        m.put(k, v);
                    }
                }
                ObjectNode body = ApiClient.JSON.createObjectNode();
                body.putObject("metadata").set(field(), m);
                MergePatch.send(c, path, body.toString());
                ctx.out().println(typeName(t.getKey()) + "/" + t.getValue() + " " + verb());
            }
            return 0;
        }
    }

    @Command(name = "label", description = "Update the labels on a resource.")
    static final class Label extends MetaMap {
        Label(KlContext ctx) {
            super(ctx);
        }

        String field() {
            return "labels";
        }

        String verb() {
            return "labeled";
        }
    }

    @Command(name = "annotate", description = "Update the annotations on a resource.")
    static final class Annotate extends MetaMap {
        Annotate(KlContext ctx) {
            super(ctx);
        }

        String field() {
            return "annotations";
        }

        String verb() {
            return "annotated";
        }
    }

    @Command(name = "taint", description = "Update the taints on nodes: KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove.")
    static final class Taint implements Callable<Integer> {
        private final KlContext ctx;

        Taint(KlContext ctx) {
            this.ctx = ctx;
        }

        @Parameters(arity = "1..*", paramLabel = "nodes NAME TAINT...")
        List<String> args;
        @Option(names = "--overwrite")
        boolean overwrite;

        @Override
        public Integer call() {
            ApiClient c = ctx.client();
            List<String> refs = new ArrayList<>();
            List<String> taints = new ArrayList<>();
            for (String a : args) {
                (a.contains(":") || a.endsWith("-") ? taints : refs).add(a);
            }
            for (var t : targets(refs)) {
                if (t.getKey() != Resources.NODES) {
                    throw new KlException("error: invalid resource type " + t.getKey().plural() + ", only node types are supported");
                }
                String path = item(Resources.NODES, null, t.getValue());
                JsonNode node = c.getOk(path);
                ArrayNode list = node.path("spec").has("taints") ? (ArrayNode) node.path("spec").path("taints").deepCopy()
                        : ApiClient.JSON.createArrayNode();
                boolean removed = false;
                for (String spec : taints) {
                    if (spec.endsWith("-")) {
                        String s = spec.substring(0, spec.length() - 1);
                        String key = s.split(":")[0].split("=")[0];
                        String effect = s.contains(":") ? s.substring(s.indexOf(':') + 1) : null;
                        int before = list.size();
                        for (int i = list.size() - 1; i >= 0; i--) {
                            JsonNode x = list.get(i);
                            if (x.path("key").asText().equals(key) && (effect == null || x.path("effect").asText().equals(effect))) {
                                list.remove(i);
                            }
                        }
                        if (list.size() == before) {
                            throw new KlException("error: taint \"" + s + "\" not found");
                        }
                        removed = true;
                    } else {
                        int colon = spec.lastIndexOf(':');
                        String kv = spec.substring(0, colon);
                        String effect = spec.substring(colon + 1);
                        String key = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
                        String value = kv.contains("=") ? kv.substring(kv.indexOf('=') + 1) : "";
                        for (int i = list.size() - 1; i >= 0; i--) {
                            JsonNode x = list.get(i);
                            if (x.path("key").asText().equals(key) && x.path("effect").asText().equals(effect)) {
                                if (!overwrite) {
                                    throw new KlException("error: node " + t.getValue() + " already has " + key
                                            + " taint(s) with same effect(s) and --overwrite is false");
                                }
                                list.remove(i);
                            }
                        }
                        ObjectNode tn = list.addObject();
                        tn.put("key", key);
                        if (!value.isEmpty()) {
                            tn.put("value", value);
                        }
                        tn.put("effect", effect);
                    }
                }
                ObjectNode body = ApiClient.JSON.createObjectNode();
                body.putObject("metadata").put("resourceVersion", node.path("metadata").path("resourceVersion").asText());
                body.putObject("spec").set("taints", list);
                MergePatch.send(c, path, body.toString());
                ctx.out().println("node/" + t.getValue() + (removed ? " untainted" : " tainted"));
            }
            return 0;
        }
    }

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
