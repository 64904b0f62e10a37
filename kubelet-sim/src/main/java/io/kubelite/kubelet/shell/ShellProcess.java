package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.shell.ShellAst.And;
import io.kubelite.kubelet.shell.ShellAst.Arith;
import io.kubelite.kubelet.shell.ShellAst.Background;
import io.kubelite.kubelet.shell.ShellAst.CommandSub;
import io.kubelite.kubelet.shell.ShellAst.For;
import io.kubelite.kubelet.shell.ShellAst.Group;
import io.kubelite.kubelet.shell.ShellAst.If;
import io.kubelite.kubelet.shell.ShellAst.Lit;
import io.kubelite.kubelet.shell.ShellAst.Loop;
import io.kubelite.kubelet.shell.ShellAst.Node;
import io.kubelite.kubelet.shell.ShellAst.Not;
import io.kubelite.kubelet.shell.ShellAst.Or;
import io.kubelite.kubelet.shell.ShellAst.Param;
import io.kubelite.kubelet.shell.ShellAst.Part;
import io.kubelite.kubelet.shell.ShellAst.Pipeline;
import io.kubelite.kubelet.shell.ShellAst.Redirect;
import io.kubelite.kubelet.shell.ShellAst.Seq;
import io.kubelite.kubelet.shell.ShellAst.Simple;
import io.kubelite.kubelet.shell.ShellAst.Word;
import io.kubelite.kubelet.usage.ProgramLoad;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * One running shell program: interprets a parsed script (or a plain argv) over a
 * container's {@link SimulatedFilesystem}, writing output to the given sinks, and
 * reports its exit code once. Programs never hold a thread: {@code sleep} is a timer,
 * and the interpreter is continuation-passing, bouncing through the scheduler every
 * few dozen steps so loops neither overflow the stack nor monopolise a thread.
 *
 * <p>{@link #kill()} stops it wherever it is; no exit is reported after a kill.
 *
 * <p>Fast-forward: a process started with {@code fastForwardMillis > 0} lets sleeps
 * (and unknown commands' delays) totalling that much complete at once — how a restarted
 * simulator rebuilds a running container's files and logs from its start time.
 */
public final class ShellProcess {
    /**
     * Steps run inline before a bounce through the scheduler. A loop iteration nests a few dozen
     * frames, and a container's program starts inline on a caller already deep in its stack:
     * 200 overflowed it for {@code while true; do :; done} ("sh: out of stack").
     */
    private static final int INLINE_STEPS = 50;

    /**
     * Everything a program runs against. Build one with {@link #builder}; {@link #as} and
     * {@link #toBuilder} derive variants.
     */
    public record Config(
            SimulatedFilesystem fs,
            Map<String, String> env,
            Output stdout,
            Output stderr,
            Timers timers,
            TimeScale timeScale,
            UnknownCommands unknownCommands,
            long unknownCommandMillis,
            long fastForwardMillis,
            String hostname,
            Input stdin,
            boolean tty,
            Identity identity,
            PodNetwork network,
            ProgramLoad load,
            ShellScripts scripts) {

        /**
         * A program on {@code fs} with no environment, discarded output, no stdin, running as root
         * ({@link Identity#ROOT}, the image's default user), without a network, whose unknown
         * commands succeed at once.
         */
        public static Builder builder(SimulatedFilesystem fs, Timers timers, TimeScale timeScale) {
            return new Builder(fs, timers, timeScale);
        }

        /** The same program's settings running as {@code who}. */
        public Config as(Identity who) {
            return toBuilder().identity(who).build();
        }

        public Builder toBuilder() {
            return new Builder(fs, timers, timeScale)
                    .env(env)
                    .stdout(stdout)
                    .stderr(stderr)
                    .unknownCommands(unknownCommands, unknownCommandMillis)
                    .fastForwardMillis(fastForwardMillis)
                    .hostname(hostname)
                    .stdin(stdin)
                    .tty(tty)
                    .identity(identity)
                    .network(network)
                    .load(load)
                    .scripts(scripts);
        }

        /** Builds a {@link Config}; unset parts keep the defaults {@link #builder} names. */
        public static final class Builder {
            private final SimulatedFilesystem fs;
            private final Timers timers;
            private final TimeScale timeScale;
            private Map<String, String> env = Map.of();
            private Output stdout = s -> {};
            private Output stderr = s -> {};
            private UnknownCommands unknownCommands = UnknownCommands.SUCCEED;
            private long unknownCommandMillis;
            private long fastForwardMillis;
            private String hostname = "localhost";
            private Input stdin = Input.EMPTY;
            private boolean tty;
            private Identity identity = Identity.ROOT;
            private PodNetwork network = PodNetwork.NONE;
            private ProgramLoad load = new ProgramLoad();
            private ShellScripts scripts = ShellScripts.UNSHARED;

            private Builder(SimulatedFilesystem fs, Timers timers, TimeScale timeScale) {
                this.fs = fs;
                this.timers = timers;
                this.timeScale = timeScale;
            }

            public Builder env(Map<String, String> env) {
                this.env = env;
                return this;
            }

            public Builder stdout(Output out) {
                this.stdout = out;
                return this;
            }

            public Builder stderr(Output err) {
                this.stderr = err;
                return this;
            }

            /** Both streams to {@code out}. */
            public Builder output(Output out) {
                return stdout(out).stderr(out);
            }

            /** What a command the simulator does not know does, and how long it takes when it delays. */
            public Builder unknownCommands(UnknownCommands mode, long delayMillis) {
                this.unknownCommands = mode;
                this.unknownCommandMillis = delayMillis;
                return this;
            }

            /** Sleeps totalling this much complete at once (a resumed container replaying its program). */
            public Builder fastForwardMillis(long millis) {
                this.fastForwardMillis = millis;
                return this;
            }

            public Builder hostname(String hostname) {
                this.hostname = hostname;
                return this;
            }

            public Builder stdin(Input in) {
                this.stdin = in;
                return this;
            }

            public Builder tty(boolean tty) {
                this.tty = tty;
                return this;
            }

            public Builder identity(Identity who) {
                this.identity = who;
                return this;
            }

            public Builder network(PodNetwork network) {
                this.network = network;
                return this;
            }

            /** Where the program's CPU and memory demand is recorded: its container's, for the usage model. */
            public Builder load(ProgramLoad load) {
                this.load = load;
                return this;
            }

            /** Where the program's script is parsed: shared with the other programs given the same. */
            public Builder scripts(ShellScripts scripts) {
                this.scripts = scripts;
                return this;
            }

            public Config build() {
                return new Config(
                        fs,
                        env,
                        stdout,
                        stderr,
                        timers,
                        timeScale,
                        unknownCommands,
                        unknownCommandMillis,
                        fastForwardMillis,
                        hostname,
                        stdin,
                        tty,
                        identity,
                        network,
                        load,
                        scripts);
            }
        }
    }

    private final Config config;
    private final Node program;
    private final List<String> positional;
    private final boolean syncMode;
    // a program has a timer or two pending at a time (a sleep): a two-slot list, where a HashSet
    // held a map and its table besides
    private final List<Timers.Cancellable> pending = new ArrayList<>(2);
    private IntConsumer onExit;
    private boolean killed;
    private boolean finished;
    private int inlineSteps;
    private long budget;
    /** True while the program runs without waiting (bouncing through the scheduler): it burns a core. */
    private boolean busy;

    private ShellProcess(Config config, Node program, List<String> positional, boolean syncMode) {
        this.config = config;
        this.program = program;
        this.positional = positional;
        this.syncMode = syncMode;
        this.budget = config.fastForwardMillis();
    }

    /** {@code sh -c script arg0 args...}. Throws {@link ShellSyntaxException} when the script does not parse. */
    public static ShellProcess script(String script, List<String> positional, Config config) {
        return new ShellProcess(config, config.scripts().parse(script), positional, false);
    }

    /** A plain argv, run as one simple command (no shell syntax). */
    public static ShellProcess argv(List<String> argv, Config config) {
        List<Word> words = new ArrayList<>();
        for (String a : argv) {
            words.add(new Word(List.of(new Lit(a, true))));
        }
        return new ShellProcess(config, new Simple(List.of(), words, List.of()), List.of("sh"), false);
    }

    /**
     * Builds the process for a container's or exec probe's argv: {@code sh -c "..."}
     * (also {@code /bin/sh}, {@code bash}, {@code ash}) interprets the script; anything
     * else runs as a single command.
     */
    public static ShellProcess forArgv(List<String> argv, Config config) {
        if (argv.size() >= 3 && isShell(argv.get(0)) && argv.get(1).equals("-c")) {
            List<String> pos = argv.size() > 3 ? argv.subList(3, argv.size()) : List.of(argv.get(0));
            return script(argv.get(2), pos, config);
        }
        if (argv.size() >= 4
                && isShell(argv.get(0))
                && argv.get(1).startsWith("-")
                && argv.get(2).equals("-c")) {
            return script(argv.get(3), List.of(argv.get(0)), config); // e.g. sh -e -c "..."
        }
        return argv(argv, config);
    }

    public static boolean isShell(String arg0) {
        String b = basename(arg0);
        return b.equals("sh") || b.equals("bash") || b.equals("ash") || b.equals("dash") || b.equals("zsh");
    }

    static String basename(String s) {
        int i = s.lastIndexOf('/');
        return i >= 0 ? s.substring(i + 1) : s;
    }

    /** Starts the program; {@code onExit} gets its exit code once, on a scheduler thread or inline. */
    public void start(IntConsumer onExit) {
        Frame f;
        synchronized (this) {
            this.onExit = onExit;
            // copied on the first assignment: most programs never assign (the environment is immutable)
            Map<String, String> vars = new ShellVariables(config.env());
            f = new Frame(
                    vars,
                    config.stdout(),
                    config.stderr(),
                    StdinReader.of(config.stdin()),
                    this::finish,
                    positional,
                    "/");
        }
        run(() -> exec(program, f, this::finish));
    }

    /** Stops the program; pending timers are cancelled and no exit is reported. */
    public void kill() {
        List<Timers.Cancellable> toCancel;
        synchronized (this) {
            killed = true;
            toCancel = new ArrayList<>(pending);
            pending.clear();
        }
        config.load().clearAll(this);
        toCancel.forEach(Timers.Cancellable::cancel);
    }

    public synchronized boolean isDone() {
        return finished || killed;
    }

    /** The remaining fast-forward budget (0 once the replay caught up with the present). */
    public synchronized long fastForwardLeft() {
        return budget;
    }

    private void finish(int code) {
        IntConsumer cb;
        synchronized (this) {
            if (finished || killed) {
                return;
            }
            finished = true;
            cb = onExit;
        }
        config.load().clearAll(this);
        if (cb != null) {
            cb.accept(code & 0xff);
        }
    }

    // ------------------------------------------------------------------ stepping

    private void run(Runnable r) {
        synchronized (this) {
            if (killed || finished) {
                return;
            }
        }
        try {
            r.run();
        } catch (ShellSyntaxException e) {
            config.stderr().write(e.getMessage() + "\n");
            finish(2);
        } catch (StackOverflowError e) {
            config.stderr().write("sh: out of stack\n");
            finish(2);
        }
    }

    /** Continues with {@code r}, inline or, every few dozen steps, through the scheduler. */
    private void step(Runnable r) {
        if (syncMode) {
            r.run();
            return;
        }
        boolean bounce;
        synchronized (this) {
            if (killed || finished) {
                return;
            }
            bounce = ++inlineSteps > INLINE_STEPS;
            if (bounce) {
                inlineSteps = 0;
            }
        }
        if (bounce) {
            busy(true);
            schedule(1, r);
        } else {
            r.run();
        }
    }

    private void schedule(long millis, Runnable r) {
        synchronized (this) {
            if (killed || finished) {
                return;
            }
            Timers.Cancellable[] handle = new Timers.Cancellable[1];
            handle[0] = config.timers().after(millis, () -> {
                synchronized (this) {
                    pending.remove(handle[0]);
                    inlineSteps = 0;
                }
                run(r);
            });
            pending.add(handle[0]);
        }
    }

    /** Waits {@code realMillis} (already scaled), drawing on the fast-forward budget first. */
    private void delay(long realMillis, Runnable then) {
        if (syncMode) {
            then.run();
            return;
        }
        long wait;
        synchronized (this) {
            long used = Math.min(budget, realMillis);
            budget -= used;
            wait = realMillis - used;
        }
        if (wait <= 0) {
            step(then);
        } else {
            busy(false);
            schedule(wait, then);
        }
    }

    /**
     * Marks the program as burning a core (it ran {@link #INLINE_STEPS} steps without waiting) or
     * not (it sleeps, waits for input or hangs): a busy loop is detected without counting steps.
     */
    private void busy(boolean now) {
        synchronized (this) {
            if (busy == now || syncMode) {
                return;
            }
            busy = now;
        }
        if (now) {
            config.load().demand(this, ProgramLoad.BUSY, 1, 0);
        } else {
            config.load().clear(this, ProgramLoad.BUSY);
        }
    }

    // ------------------------------------------------------------------ interpreter

    /** Variables, output sinks and where {@code exit} goes; copied for subshells. */
    final class Frame {
        final Map<String, String> vars;
        final Output out;
        final Output err;
        final StdinReader in;
        final IntConsumer exit;
        List<String> positional;
        String cwd;
        int lastStatus;

        Frame(
                Map<String, String> vars,
                Output out,
                Output err,
                StdinReader in,
                IntConsumer exit,
                List<String> positional,
                String cwd) {
            this.vars = vars;
            this.out = out;
            this.err = err;
            this.in = in;
            this.exit = exit;
            this.positional = positional;
            this.cwd = cwd;
        }

        Frame withOutputs(Output o, Output e) {
            return withIo(o, e, in);
        }

        Frame withIo(Output o, Output e, StdinReader i) {
            Frame f = new Frame(vars, o, e, i, exit, positional, cwd);
            f.lastStatus = lastStatus;
            return f;
        }

        Frame subshell(IntConsumer exitTo) {
            Frame f = new Frame(new LinkedHashMap<>(vars), out, err, in, exitTo, positional, cwd);
            f.lastStatus = lastStatus;
            return f;
        }

        String var(String name) {
            switch (name) {
                case "?":
                    return Integer.toString(lastStatus);
                case "$":
                    return "1";
                case "!":
                    return "";
                case "#":
                    return Integer.toString(Math.max(0, positional.size() - 1));
                case "@":
                case "*":
                    return String.join(" ", positional.subList(Math.min(1, positional.size()), positional.size()));
                case "RANDOM":
                    // as in bash and busybox ash: a fresh value 0..32767 on every read (a script's
                    // assignment to RANDOM, which reseeds there, is ignored here)
                    return Integer.toString(ThreadLocalRandom.current().nextInt(32768));
                case "HOSTNAME":
                    return vars.getOrDefault("HOSTNAME", config.hostname());
                case "PWD":
                    return cwd;
                default:
                    break;
            }
            if (name.length() == 1 && Character.isDigit(name.charAt(0))) {
                int i = name.charAt(0) - '0';
                return i < positional.size() ? positional.get(i) : "";
            }
            return vars.get(name);
        }

        String path(String p) {
            return SimulatedFilesystem.normalize(cwd, p);
        }
    }

    private void exec(Node n, Frame f, IntConsumer k) {
        IntConsumer done = s -> {
            f.lastStatus = s;
            k.accept(s);
        };
        if (n instanceof Seq seq) {
            runSeq(seq.items(), 0, 0, f, done);
        } else if (n instanceof And a) {
            exec(a.left(), f, s -> {
                if (s == 0) {
                    step(() -> exec(a.right(), f, done));
                } else {
                    done.accept(s);
                }
            });
        } else if (n instanceof Or o) {
            exec(o.left(), f, s -> {
                if (s != 0) {
                    step(() -> exec(o.right(), f, done));
                } else {
                    done.accept(s);
                }
            });
        } else if (n instanceof Not no) {
            exec(no.body(), f, s -> done.accept(s == 0 ? 1 : 0));
        } else if (n instanceof Pipeline p) {
            runPipeline(p.commands(), 0, f.in, f, done);
        } else if (n instanceof Background b) {
            Frame bg = f.subshell(s -> {});
            exec(b.body(), bg, s -> {});
            done.accept(0);
        } else if (n instanceof Simple s) {
            simple(s, f, done);
        } else if (n instanceof Loop l) {
            withRedirects(l.redirects(), f, done, rf -> loop(l, rf, 0, done));
        } else if (n instanceof If i) {
            withRedirects(i.redirects(), f, done, rf -> runIf(i, 0, rf, done));
        } else if (n instanceof For fo) {
            withRedirects(fo.redirects(), f, done, rf -> {
                List<String> items = new ArrayList<>();
                if (fo.items() == null) {
                    items.addAll(rf.positional.subList(Math.min(1, rf.positional.size()), rf.positional.size()));
                } else {
                    for (Word w : fo.items()) {
                        items.addAll(expand(w, rf));
                    }
                }
                forLoop(fo, items, 0, rf, 0, done);
            });
        } else if (n instanceof Group g) {
            withRedirects(g.redirects(), f, done, rf -> {
                if (g.subshell()) {
                    IntConsumer once = once(done);
                    exec(g.body(), rf.subshell(once), once);
                } else {
                    exec(g.body(), rf, done);
                }
            });
        } else {
            throw new IllegalStateException("unknown node " + n);
        }
    }

    private static IntConsumer once(IntConsumer k) {
        boolean[] called = new boolean[1];
        return s -> {
            if (!called[0]) {
                called[0] = true;
                k.accept(s);
            }
        };
    }

    private void runSeq(List<Node> items, int i, int last, Frame f, IntConsumer k) {
        if (i >= items.size()) {
            k.accept(last);
            return;
        }
        exec(items.get(i), f, s -> step(() -> runSeq(items, i + 1, s, f, k)));
    }

    /**
     * Runs the commands of a pipeline in turn, each one's output (bounded) becoming the
     * next one's input: {@code echo x | cat}, {@code tar cf - d | tar tf -}. A command that
     * never ends holds the rest back, as its output is only handed on at its end.
     */
    private void runPipeline(List<Node> cmds, int i, StdinReader in, Frame f, IntConsumer k) {
        boolean last = i == cmds.size() - 1;
        PipeBuffer pipe = last ? null : new PipeBuffer();
        Frame pf = last ? f.withIo(f.out, f.err, in) : f.withIo(pipe, f.err, in);
        exec(cmds.get(i), pf, s -> {
            if (last) {
                k.accept(s);
            } else {
                step(() -> runPipeline(cmds, i + 1, StdinReader.of(Input.of(pipe.bytes())), f, k));
            }
        });
    }

    private void loop(Loop l, Frame f, int lastBody, IntConsumer k) {
        exec(l.condition(), f, s -> {
            boolean go = l.until() ? s != 0 : s == 0;
            if (!go) {
                k.accept(lastBody);
            } else {
                exec(l.body(), f, b -> step(() -> loop(l, f, b, k)));
            }
        });
    }

    private void runIf(If i, int idx, Frame f, IntConsumer k) {
        if (idx >= i.conditions().size()) {
            if (i.otherwise() != null) {
                exec(i.otherwise(), f, k);
            } else {
                k.accept(0);
            }
            return;
        }
        exec(i.conditions().get(idx), f, s -> {
            if (s == 0) {
                exec(i.bodies().get(idx), f, k);
            } else {
                step(() -> runIf(i, idx + 1, f, k));
            }
        });
    }

    private void forLoop(For fo, List<String> items, int idx, Frame f, int last, IntConsumer k) {
        if (idx >= items.size()) {
            k.accept(last);
            return;
        }
        f.vars.put(fo.variable(), items.get(idx));
        exec(fo.body(), f, s -> step(() -> forLoop(fo, items, idx + 1, f, s, k)));
    }

    /** Applies redirections, then runs {@code body} with the redirected frame. */
    private void withRedirects(
            List<Redirect> redirects, Frame f, IntConsumer k, java.util.function.Consumer<Frame> body) {
        if (redirects.isEmpty()) {
            body.accept(f);
            return;
        }
        Output out = f.out;
        Output err = f.err;
        StdinReader in = f.in;
        for (Redirect r : redirects) {
            if (r.op().equals("dup")) {
                if (r.fd() == 2) {
                    err = out;
                } else {
                    out = err;
                }
                continue;
            }
            if (r.op().equals("<")) {
                String source = String.join(" ", expand(r.target(), f));
                byte[] content = config.fs().readBytes(f.path(source));
                if (content == null) {
                    f.err.write("sh: can't open '" + source + "': No such file or directory\n");
                    k.accept(1);
                    return;
                }
                in = StdinReader.of(Input.of(content));
                continue;
            }
            String target = String.join(" ", expand(r.target(), f));
            Output sink = fileSink(target, r.op().endsWith(">>"), f);
            if (sink == null) {
                f.err.write("sh: can't create " + target + ": "
                        + (config.fs().isReadOnly(f.path(target)) ? "Read-only file system" : "Is a directory") + "\n");
                k.accept(1);
                return;
            }
            if (r.op().startsWith("&")) {
                out = sink;
                err = sink;
            } else if (r.fd() == 2) {
                err = sink;
            } else {
                out = sink;
            }
        }
        body.accept(f.withIo(out, err, in));
    }

    private Output fileSink(String target, boolean append, Frame f) {
        switch (target) {
            case "/dev/null":
                return Output.DISCARD;
            case "/dev/stdout":
            case "/proc/1/fd/1":
                return config.stdout();
            case "/dev/stderr":
            case "/proc/1/fd/2":
                return config.stderr();
            default:
                break;
        }
        String p = f.path(target);
        if (!config.fs().write(p, "", append)) {
            return null;
        }
        Output err = f.err;
        return new Output() {
            private boolean failed;

            @Override
            public void write(String text) {
                check(config.fs().write(p, text, true));
            }

            @Override
            public void writeBytes(byte[] bytes) {
                check(config.fs().writeBytes(p, bytes, true));
            }

            /** A full filesystem (a sized tmpfs) refuses the write: said once, as ash says it. */
            private void check(boolean written) {
                if (!written && !failed) {
                    failed = true;
                    err.write("sh: write error: No space left on device\n");
                }
            }
        };
    }

    private void simple(Simple s, Frame f, IntConsumer k) {
        List<String> argv = new ArrayList<>();
        for (Word w : s.words()) {
            argv.addAll(expand(w, f));
        }
        List<String[]> assigns = new ArrayList<>();
        for (Word w : s.assignments()) {
            Lit first = (Lit) w.parts().get(0);
            int eq = first.text().indexOf('=');
            String name = first.text().substring(0, eq);
            List<Part> rest = new ArrayList<>();
            rest.add(new Lit(first.text().substring(eq + 1), true));
            rest.addAll(w.parts().subList(1, w.parts().size()));
            assigns.add(new String[] {name, joinExpansion(new Word(rest), f)});
        }
        for (String[] a : assigns) {
            f.vars.put(a[0], a[1]);
        }
        withRedirects(s.redirects(), f, k, rf -> {
            if (argv.isEmpty()) {
                k.accept(0);
                return;
            }
            command(argv, rf, k);
        });
    }

    private void command(List<String> argv, Frame f, IntConsumer k) {
        String name = basename(argv.get(0));
        List<String> args = argv.subList(1, argv.size());
        switch (name) {
            case "sleep" -> {
                long ms = ShellBuiltins.sleepMillis(args, f.err);
                if (ms < 0) {
                    k.accept(1);
                } else if (ms == Long.MAX_VALUE) {
                    hang(k);
                } else {
                    delay(config.timeScale().millis(java.time.Duration.ofMillis(ms)), () -> k.accept(0));
                }
            }
            case "exit" -> {
                int code = f.lastStatus;
                if (!args.isEmpty()) {
                    try {
                        code = Integer.parseInt(args.get(0).trim());
                    } catch (NumberFormatException e) {
                        f.err.write("sh: exit: Illegal number: " + args.get(0) + "\n");
                        code = 2;
                    }
                }
                f.exit.accept(code & 0xff);
            }
            case "exec" -> {
                if (args.isEmpty()) {
                    k.accept(0);
                } else {
                    command(new ArrayList<>(args), f, s -> f.exit.accept(s));
                }
            }
            case "sh", "bash", "ash", "dash" -> {
                if (args.size() >= 2 && args.get(0).equals("-c")) {
                    Node nested = ShellParser.parse(args.get(1));
                    IntConsumer once = once(k);
                    Frame sub = f.subshell(once);
                    sub.positional = args.size() > 2 ? new ArrayList<>(args.subList(2, args.size())) : List.of(name);
                    exec(nested, sub, once);
                } else {
                    shell(name, args, f, k);
                }
            }
            case "cat" -> {
                if (args.stream().allMatch(a -> a.equals("-"))) {
                    f.in.pump(f.out, () -> later(() -> k.accept(0)));
                } else {
                    builtin(name, args, f, k);
                }
            }
            case "read" -> read(args, f, k);
            case "nslookup", "wget", "curl", "nc", "getent" -> {
                if (config.network() == PodNetwork.NONE) {
                    unknown(k); // no pod network wired: as before there was one (see NetworkCommands)
                } else {
                    NetworkCommands.run(name, args, network(f, k));
                }
            }
            case "hostname" -> {
                if (args.contains("-i") && config.network() != PodNetwork.NONE) {
                    NetworkCommands.run(name, args, network(f, k));
                } else {
                    builtin(name, args, f, k);
                }
            }
            case "stress", "yes" ->
                StressCommand.run(this, name, args, f.out, f.err, config.load(), this::delayOrHang, k);
            case "id" -> k.accept(IdCommand.id(args, config.identity(), f.out, f.err));
            case "whoami" -> k.accept(IdCommand.whoami(config.identity(), f.out, f.err));
            case "tar" -> {
                TarCommand t = TarCommand.parse(args, f.err);
                TarCommand.Io io = new TarCommand.Io(
                        config.fs(), f::path, f.out, f.err, config.timers().nowMillis());
                if (t == null) {
                    k.accept(1);
                } else if (t.readsStdin()) {
                    f.in.readAll(bytes -> later(() -> k.accept(t.run(io, bytes))));
                } else {
                    k.accept(t.run(io, null));
                }
            }
            case "cd" -> {
                String dir = args.isEmpty() ? "/root" : f.path(args.get(0));
                if (!config.fs().isDirectory(dir)) {
                    f.err.write("sh: cd: can't cd to " + (args.isEmpty() ? dir : args.get(0))
                            + ": No such file or directory\n");
                    k.accept(2);
                } else {
                    f.cwd = dir;
                    k.accept(0);
                }
            }
            case "export" -> {
                for (String a : args) {
                    int eq = a.indexOf('=');
                    if (eq > 0) {
                        f.vars.put(a.substring(0, eq), a.substring(eq + 1));
                    }
                }
                k.accept(0);
            }
            case "unset" -> {
                args.forEach(f.vars::remove);
                k.accept(0);
            }
            case "set", "trap", "wait", "ulimit", "umask", "shift" -> {
                if (name.equals("shift") && f.positional.size() > 1) {
                    List<String> p = new ArrayList<>(f.positional);
                    p.remove(1);
                    f.positional = p;
                }
                k.accept(0);
            }
            default -> builtin(name, args, f, k);
        }
    }

    private void builtin(String name, List<String> args, Frame f, IntConsumer k) {
        ShellBuiltins.Builtin b = ShellBuiltins.find(name);
        if (b != null) {
            k.accept(b.run(
                    args,
                    new ShellBuiltins.Io(
                            config.fs(),
                            f.out,
                            f.err,
                            f::path,
                            f::var,
                            Collections.unmodifiableMap(f.vars),
                            config.timers().nowMillis(),
                            config.hostname())));
        } else {
            unknown(k);
        }
    }

    /** What a network command runs against; it continues through {@link #later}, so not after a kill. */
    private NetworkCommands.Io network(Frame f, IntConsumer k) {
        return new NetworkCommands.Io(
                config.network(),
                config.fs(),
                config.hostname(),
                f::path,
                f.out,
                f.err,
                f.in,
                config.timeScale(),
                config.tty(),
                syncMode,
                this::later,
                k);
    }

    /** Continues on a scheduler thread: stdin is delivered on whatever thread it arrives. */
    private void later(Runnable r) {
        if (syncMode) {
            r.run();
        } else {
            schedule(0, r);
        }
    }

    /** {@code read [-r] [NAME...]}: one line of stdin into the variables (REPLY by default); 1 at end of input. */
    private void read(List<String> args, Frame f, IntConsumer k) {
        List<String> names = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("-")) {
                names.add(a);
            }
        }
        if (names.isEmpty()) {
            names.add("REPLY");
        }
        busy(false);
        f.in.readLine(line -> later(() -> {
            if (line == null) {
                k.accept(1);
                return;
            }
            String[] fields = names.size() == 1
                    ? new String[] {line.strip()}
                    : line.strip().split("[ \\t]+", names.size());
            for (int i = 0; i < names.size(); i++) {
                f.vars.put(names.get(i), i < fields.length ? fields[i] : "");
            }
            k.accept(0);
        }));
    }

    /**
     * {@code sh} without {@code -c}: {@code sh FILE} runs the file; otherwise the shell reads
     * commands from stdin, one line at a time (a line that leaves a construct open waits for
     * the next), prompting like busybox ({@code / # }, {@code > }) when stdin is a terminal.
     * Without stdin it ends at once, as a shell image's default command does.
     */
    private void shell(String name, List<String> args, Frame f, IntConsumer k) {
        IntConsumer once = once(k);
        Frame sub = f.subshell(once);
        int file = 0;
        while (file < args.size() && args.get(file).startsWith("-")) {
            file++;
        }
        if (file < args.size()) {
            String script = config.fs().read(f.path(args.get(file)));
            if (script == null) {
                f.err.write(name + ": can't open '" + args.get(file) + "': No such file or directory\n");
                k.accept(2);
                return;
            }
            sub.positional = new ArrayList<>(args.subList(file, args.size()));
            exec(ShellParser.parse(script), sub, once);
            return;
        }
        repl(sub, "", once);
    }

    private void repl(Frame f, String open, IntConsumer k) {
        if (config.tty()) {
            f.err.write(open.isEmpty() ? prompt(f) : "> ");
        }
        busy(false);
        f.in.readLine(line -> later(() -> {
            if (line == null) {
                k.accept(f.lastStatus);
                return;
            }
            String script = open.isEmpty() ? line : open + "\n" + line;
            Node n;
            try {
                n = ShellParser.parse(script);
            } catch (ShellSyntaxException e) {
                String m = e.getMessage();
                if (m.contains("end of file") || m.contains("unterminated") || m.contains("missing")) {
                    repl(f, script, k);
                    return;
                }
                f.err.write(m + "\n");
                f.lastStatus = 2;
                repl(f, "", k);
                return;
            }
            exec(n, f, s -> step(() -> repl(f, "", k)));
        }));
    }

    /** busybox's default {@code PS1='\\w \\$ '} for root: the directory, {@code ~} for HOME. */
    private static String prompt(Frame f) {
        String home = f.vars.get("HOME");
        String dir = home != null && !home.equals("/") && f.cwd.equals(home) ? "~" : f.cwd;
        return dir + " # ";
    }

    private void unknown(IntConsumer k) {
        switch (config.unknownCommands()) {
            case SUCCEED -> k.accept(0);
            case SUCCEED_AFTER_DELAY -> delay(config.unknownCommandMillis(), () -> k.accept(0));
            case RUN_FOREVER -> hang(k);
            default -> throw new IllegalStateException();
        }
    }

    /** Continues after {@code simulatedMillis} (scaled here), or never for {@link Long#MAX_VALUE}: a builtin that runs for a while. */
    private void delayOrHang(long simulatedMillis, Runnable then) {
        if (simulatedMillis == Long.MAX_VALUE) {
            hang(s -> then.run());
        } else {
            delay(config.timeScale().millis(java.time.Duration.ofMillis(simulatedMillis)), then);
        }
    }

    /** Never continues (until killed); in a command substitution, continues at once. */
    private void hang(IntConsumer k) {
        if (syncMode) {
            k.accept(0);
        } else {
            busy(false);
        }
    }

    // ------------------------------------------------------------------ expansion

    private String joinExpansion(Word w, Frame f) {
        StringBuilder sb = new StringBuilder();
        for (Part p : w.parts()) {
            sb.append(partValue(p, f));
        }
        return sb.toString();
    }

    /** Expands a word to fields: unquoted parameter and command expansions split on blanks. */
    private List<String> expand(Word w, Frame f) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean have = false;
        for (Part p : w.parts()) {
            if (p instanceof Lit l) {
                cur.append(l.text());
                have = have || l.quoted() || !l.text().isEmpty();
            } else {
                String v = partValue(p, f);
                boolean quoted = (p instanceof Param pa && pa.quoted()) || (p instanceof CommandSub cs && cs.quoted());
                if (quoted) {
                    cur.append(v);
                    have = true;
                } else {
                    String[] pieces = v.split("[ \\t\\n]+", -1);
                    for (int i = 0; i < pieces.length; i++) {
                        if (i > 0) {
                            if (have || cur.length() > 0) {
                                fields.add(cur.toString());
                            }
                            cur.setLength(0);
                            have = false;
                        }
                        cur.append(pieces[i]);
                        have = have || !pieces[i].isEmpty();
                    }
                }
            }
        }
        if (have || cur.length() > 0) {
            fields.add(cur.toString());
        }
        return fields;
    }

    private String partValue(Part p, Frame f) {
        if (p instanceof Lit l) {
            return l.text();
        }
        if (p instanceof Param pa) {
            String v = f.var(pa.name());
            if ((v == null || v.isEmpty()) && pa.defaultValue() != null) {
                return pa.defaultValue();
            }
            return v == null ? "" : v;
        }
        if (p instanceof Arith a) {
            return Long.toString(Arithmetic.eval(a.expression(), f::var));
        }
        if (p instanceof CommandSub cs) {
            return commandSubstitution(cs.body(), f);
        }
        throw new IllegalStateException();
    }

    /** Runs {@code $(...)} to completion at once (its sleeps take no time) and returns its output minus trailing newlines. */
    private String commandSubstitution(Node body, Frame f) {
        StringBuilder sb = new StringBuilder();
        Output capture = sb::append;
        Config c = config.toBuilder()
                .env(f.vars)
                .stdout(capture)
                .stderr(f.err)
                .unknownCommands(UnknownCommands.SUCCEED, 0)
                .fastForwardMillis(0)
                .stdin(Input.EMPTY)
                .tty(false)
                .build();
        ShellProcess sub = new ShellProcess(c, body, f.positional, true);
        int[] status = new int[] {0};
        sub.onExit = s -> status[0] = s;
        Frame sf = sub
        .new Frame(
                new LinkedHashMap<>(f.vars),
                capture,
                f.err,
                StdinReader.of(Input.EMPTY),
                sub::finish,
                f.positional,
                f.cwd);
        sub.exec(body, sf, sub::finish);
        f.lastStatus = status[0];
        String s = sb.toString();
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\n') {
            end--;
        }
        return s.substring(0, end);
    }
}
