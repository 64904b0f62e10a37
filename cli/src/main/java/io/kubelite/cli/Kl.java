package io.kubelite.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kl}: a kubectl-like CLI for kubelite (see docs/kl.md). This class is the root command: the
 * global options, the entry points, and the wiring of the commands around one {@link KlContext}.
 */
@Command(
        name = "kl",
        mixinStandardHelpOptions = true,
        version = "kl 0.1.0",
        description = "kubectl-like CLI for kubelite.")
public final class Kl implements Callable<Integer> {
    @Option(names = "--server", scope = CommandLine.ScopeType.INHERIT, description = "API server URL.")
    String server;

    @Option(names = "--token", scope = CommandLine.ScopeType.INHERIT, description = "Bearer token.")
    String token;

    @Option(names = "--kubeconfig", scope = CommandLine.ScopeType.INHERIT, description = "kubeconfig file.")
    String kubeconfig;

    @Option(
            names = {"-n", "--namespace"},
            scope = CommandLine.ScopeType.INHERIT,
            description = "Namespace.")
    String namespace;

    @Option(
            names = "--certificate-authority",
            scope = CommandLine.ScopeType.INHERIT,
            description = "PEM file of the CA that signed the server's certificate.")
    String certificateAuthority;

    @Option(
            names = "--insecure-skip-tls-verify",
            scope = CommandLine.ScopeType.INHERIT,
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

    /**
     * Runs kl and returns its exit code: 0, 1 for a failure kl reports (one line on {@code err}), 2 for
     * a command line picocli rejects. Output goes to {@code out} and {@code err}; {@code env} stands for
     * the process environment (KUBECONFIG, HOME, KL_DEBUG_APPLY) and {@code clock} for the time AGE
     * columns count from; {@code -f -} reads System.in.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        Kl kl = new Kl(out);
        KlContext context = new KlContext(kl::flags, System.in, out, err, env, clock);
        CommandLine cl = new CommandLine(kl);
        // before setOut/setErr and the handler: picocli hands those only to the subcommands it already has
        commands(context).forEach(cl::addSubcommand);
        RolloutCommand rollout = new RolloutCommand(context);
        CommandLine rolloutLine = new CommandLine(rollout);
        rollout.subcommands().forEach(rolloutLine::addSubcommand);
        cl.addSubcommand(rolloutLine);
        ProxyCommand proxy = new ProxyCommand(context);
        CommandLine proxyLine = new CommandLine(proxy);
        proxy.subcommands().forEach(proxyLine::addSubcommand);
        cl.addSubcommand(proxyLine);
        TopCommand top = new TopCommand(context);
        CommandLine topLine = new CommandLine(top);
        top.subcommands().forEach(topLine::addSubcommand);
        cl.addSubcommand(topLine);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
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
        return List.of(
                new GetCommand(c),
                new DescribeCommand(c),
                new ApplyCommand(c),
                new CreateCommand(c),
                new DeleteCommand(c),
                new ScaleCommand(c),
                new LabelCommand(c),
                new AnnotateCommand(c),
                new TaintCommand(c),
                new CordonCommand(c),
                new UncordonCommand(c),
                new DrainCommand(c),
                logs(c),
                new Inspect(c));
    }

    /** {@code kl logs POD}, with {@code kl logs search QUERY} as its subcommand. */
    private static CommandLine logs(KlContext c) {
        CommandLine logs = new CommandLine(new LogsCommand(c));
        logs.addSubcommand(new LogsSearchCommand(c));
        return logs;
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
}
