package io.kubelite.kubelet.runtime;

import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.shell.Identity;
import io.kubelite.kubelet.shell.Input;
import io.kubelite.kubelet.shell.Output;
import io.kubelite.kubelet.shell.PodNetwork;
import io.kubelite.kubelet.shell.ShellProcess;
import io.kubelite.kubelet.shell.ShellScripts;
import io.kubelite.kubelet.shell.ShellSyntaxException;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import io.kubelite.kubelet.shell.UnknownCommands;
import io.kubelite.kubelet.usage.ProgramLoad;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;

/**
 * One instance of a container in the simulated runtime: its program (a shell process,
 * or the image's default), its filesystem and log, and what it serves. Reports its exit
 * once, through the listener given to {@link #start}. Thread-safe.
 */
public final class SimContainer {
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<SimContainer, List> TAPS =
            AtomicReferenceFieldUpdater.newUpdater(SimContainer.class, List.class, "taps");

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<SimContainer, List> EXIT_WATCHERS =
            AtomicReferenceFieldUpdater.newUpdater(SimContainer.class, List.class, "exitWatchers");

    /** Called once when the instance ends, with its exit code. */
    @FunctionalInterface
    public interface ExitListener {
        void exited(SimContainer container, int exitCode);
    }

    /** What an exec in the container returned. */
    public record ExecResult(int exitCode, String output, boolean timedOut) {}

    private final String id;
    private final Container spec;
    private final boolean init;
    private final Behaviour behaviour;
    private final List<String> argv;
    private final boolean imageDefault;
    private final boolean exitsAtOnce;
    private final SimulatedFilesystem fs = new SimulatedFilesystem();
    private final ContainerLog log;
    private final Map<String, String> env;
    private final Timers timers;
    private final TimeScale scale;
    private final String hostname;
    /** Where its programs' scripts are parsed: the runtime's, shared by its containers. */
    private final ShellScripts scripts;

    private final long startedAt;
    /** The program's stdin when the spec has {@code stdin: true} (fed by attach), else null. */
    private final StdinQueue stdin;
    /** Attached sessions: they see everything the program writes, as it writes it. */
    // List.of() until an attach: Listeners swaps them
    private volatile List<Output> taps = List.of();
    /** Attached sessions waiting for the instance to end. */
    private volatile List<Runnable> exitWatchers = List.of();

    private ShellProcess process;
    /** Who its program, execs and exec probes run as: root unless the security context says otherwise. */
    private volatile Identity identity = Identity.ROOT;
    /** The pod's network namespace, as the kubelet wires it; none until then. */
    private volatile PodNetwork network = PodNetwork.NONE;
    /** What its programs (its own and execs) demand of CPU and memory, for the usage model. */
    private final ProgramLoad load = new ProgramLoad();
    /** True once it was killed for exceeding its memory limit. */
    private boolean oomKilled;

    private Timers.Cancellable exitTimer = Timers.Cancellable.NONE;
    private ExitListener listener;
    private boolean running;
    private boolean stopping;
    private boolean exited;
    private long finishedAt;
    private int exitCode;

    SimContainer(
            String id,
            Container spec,
            boolean init,
            Behaviour behaviour,
            List<String> argv,
            boolean imageDefault,
            boolean exitsAtOnce,
            ContainerLog log,
            Map<String, String> env,
            Timers timers,
            TimeScale scale,
            String hostname,
            ShellScripts scripts,
            long startedAt) {
        this.id = id;
        this.spec = spec;
        this.init = init;
        this.behaviour = behaviour;
        this.argv = argv;
        this.imageDefault = imageDefault;
        this.exitsAtOnce = exitsAtOnce;
        this.log = log;
        this.env = env;
        this.timers = timers;
        this.scale = scale;
        this.hostname = hostname;
        this.scripts = scripts;
        this.startedAt = startedAt;
        this.stdin = spec.getStdin() ? new StdinQueue() : null;
        // made on read from the hostname this container keeps anyway: no array per container
        fs.writeGenerated("/etc/hostname", () -> (hostname + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public String id() {
        return id;
    }

    public Container spec() {
        return spec;
    }

    public long startedAtMillis() {
        return startedAt;
    }

    public synchronized long finishedAtMillis() {
        return finishedAt;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public SimulatedFilesystem filesystem() {
        return fs;
    }

    public ContainerLog log() {
        return log;
    }

    /** Runs the program, execs and exec probes as {@code who} (its security context); set before {@link #start}. */
    public void runAs(Identity who) {
        identity = who;
    }

    public Identity identity() {
        return identity;
    }

    public synchronized boolean isRunning() {
        return running && !exited;
    }

    /**
     * Starts the program. With {@code fastForwardMillis} (a resumed container), the
     * program is replayed as if it had run that long already.
     */
    public void start(long fastForwardMillis, ExitListener l) {
        synchronized (this) {
            listener = l;
            running = true;
        }
        if (argv != null) {
            ShellProcess.Config cfg = configBuilder()
                    .output(logOutput())
                    .unknownCommands(
                            init ? UnknownCommands.SUCCEED_AFTER_DELAY : UnknownCommands.RUN_FOREVER,
                            scale.millis(Duration.ofSeconds(1)))
                    .fastForwardMillis(fastForwardMillis)
                    .stdin(stdin != null ? stdin : Input.EMPTY)
                    .tty(spec.getTty())
                    .build();
            ShellProcess p;
            try {
                p = ShellProcess.forArgv(argv, cfg);
            } catch (ShellSyntaxException e) {
                log.write(e.getMessage() + "\n");
                exit(2);
                return;
            }
            synchronized (this) {
                process = p;
            }
            p.start(this::exit);
            return;
        }
        if (exitsAtOnce) {
            exit(0);
            return;
        }
        if (behaviour.exitCode() != null) {
            long after = Math.max(0, scale.millis(behaviour.exitAfter()) - fastForwardMillis);
            int code = behaviour.exitCode();
            Timers.Cancellable t = timers.after(after, () -> exit(code));
            synchronized (this) {
                exitTimer = t;
            }
        }
        // otherwise: a long-running server, until stopped
    }

    private Output logOutput() {
        return new Output() {
            @Override
            public void write(String text) {
                log.write(text);
                taps.forEach(t -> t.write(text));
            }

            @Override
            public void writeBytes(byte[] bytes) {
                log.write(new String(bytes, StandardCharsets.UTF_8));
                taps.forEach(t -> t.writeBytes(bytes));
            }
        };
    }

    /** The program's stdin ({@code stdin: true}), for attach; empty without one. */
    public Optional<StdinQueue> stdin() {
        return Optional.ofNullable(stdin);
    }

    /** Starts copying what the program writes (stdout and stderr) to {@code tap}: an attach. */
    public void addOutputTap(Output tap) {
        Listeners.add(TAPS, this, tap);
    }

    public void removeOutputTap(Output tap) {
        Listeners.remove(TAPS, this, tap);
    }

    /** Runs {@code r} once when this instance ends (at once if it has ended). */
    public void whenExited(Runnable r) {
        Listeners.add(EXIT_WATCHERS, this, r);
        boolean over;
        synchronized (this) {
            over = exited;
        }
        if (over && Listeners.remove(EXIT_WATCHERS, this, r)) {
            r.run();
        }
    }

    public void unwatchExit(Runnable r) {
        Listeners.remove(EXIT_WATCHERS, this, r);
    }

    /**
     * What an exec runs against: this instance's filesystem, environment and hostname,
     * the session's streams. Commands the simulator does not know succeed at once, as in
     * exec probes (they are the image's own binaries).
     */
    public ShellProcess.Config execConfig(Output out, Output err, Input in, boolean tty) {
        return configBuilder().stdout(out).stderr(err).stdin(in).tty(tty).build();
    }

    /**
     * What every program in this instance shares: its filesystem, environment, hostname, identity
     * and its pod's network; unknown commands succeed at once.
     */
    private ShellProcess.Config.Builder configBuilder() {
        return ShellProcess.Config.builder(fs, timers, scale)
                .env(env)
                .hostname(hostname)
                .identity(identity)
                .network(network)
                .load(load)
                .scripts(scripts);
    }

    /** The pod's network this instance's programs and execs reach. */
    public PodNetwork network() {
        return network;
    }

    /** The pod's network, for this instance's programs and execs from now on. */
    public void network(PodNetwork network) {
        this.network = java.util.Objects.requireNonNull(network, "network");
    }

    /** Runs a task on the simulator's scheduler (never a Vert.x event loop). */
    public void runOnScheduler(Runnable task) {
        timers.execute(task);
    }

    private void exit(int code) {
        ExitListener l;
        synchronized (this) {
            if (exited) {
                return;
            }
            exited = true;
            running = false;
            exitCode = code;
            finishedAt = timers.nowMillis();
            l = listener;
        }
        log.close();
        exitWatchers.forEach(Runnable::run);
        exitWatchers = List.of();
        if (l != null) {
            l.exited(this, code);
        }
    }

    /**
     * Sends SIGTERM with a grace period (real milliseconds). Without a
     * {@code termination-time} behaviour the program dies at once with 137; with one
     * it exits 0 after that time, or is killed (137) when the grace period ends first.
     */
    public void stop(long graceMillis) {
        ShellProcess p;
        synchronized (this) {
            if (exited || stopping) {
                return;
            }
            stopping = true;
            p = process;
            exitTimer.cancel();
        }
        if (p != null) {
            p.kill();
        }
        Duration term = behaviour.terminationTime();
        if (term == null) {
            exit(137);
            return;
        }
        long t = scale.millis(term);
        if (t <= graceMillis) {
            timers.after(t, () -> exit(0));
        } else {
            timers.after(Math.max(0, graceMillis), () -> exit(137));
        }
    }

    /** What its programs demand now, beyond its idle usage. */
    public ProgramLoad load() {
        return load;
    }

    /**
     * The kernel's OOM killer: SIGKILL at once, no grace, the exit (137) reported; the kubelet
     * then reports the instance {@code OOMKilled} ({@link #oomKilled}).
     */
    public void oomKill() {
        ShellProcess p;
        synchronized (this) {
            if (exited) {
                return;
            }
            oomKilled = true;
            stopping = true;
            p = process;
            exitTimer.cancel();
        }
        if (p != null) {
            p.kill();
        }
        exit(137);
    }

    /** True when the OOM killer ended it. */
    public synchronized boolean oomKilled() {
        return oomKilled;
    }

    /** Kills at once (no grace): used when the pod object is gone. */
    public void kill() {
        ShellProcess p;
        synchronized (this) {
            if (exited) {
                return;
            }
            stopping = true;
            p = process;
            exitTimer.cancel();
            listener = null;
        }
        if (p != null) {
            p.kill();
        }
        exit(137);
    }

    /**
     * True while the program runs, is not stopping and has finished starting up: it accepts
     * connections on whatever ports it listens on (a known image's own port, {@link #serves} else).
     */
    public synchronized boolean listening() {
        return running
                && !exited
                && !stopping
                && timers.nowMillis() - startedAt >= scale.millis(behaviour.startupTime());
    }

    /** True while the program runs, is not stopping, has finished starting up, and listens on {@code port}. */
    public synchronized boolean serves(int port) {
        if (!listening()) {
            return false;
        }
        if (spec.getPortsCount() == 0) {
            return imageDefault;
        }
        for (ContainerPort p : spec.getPortsList()) {
            if (p.getContainerPort() == port
                    && (p.getProtocol().isEmpty() || p.getProtocol().equals("TCP"))) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status the container's server answers now. */
    public int httpStatus() {
        return behaviour.httpStatusAt(Duration.ofMillis(scale.unscaledMillis(timers.nowMillis() - startedAt)));
    }

    /** The gRPC health status the container's server answers now ({@link GrpcHealth}). */
    public String grpcStatus() {
        return behaviour.grpcHealth().statusAt(Duration.ofMillis(scale.unscaledMillis(timers.nowMillis() - startedAt)));
    }

    /** True when the readiness-flap behaviour says readiness fails right now. */
    public boolean readinessFlapFailing() {
        Duration p = behaviour.readinessFlap();
        if (p.isZero()) {
            return false;
        }
        long period = Math.max(1, scale.millis(p));
        long since = timers.nowMillis() - startedAt;
        return (since / period) % 2 == 1;
    }

    /**
     * Runs {@code command} in the container (an exec probe or lifecycle hook): same filesystem and
     * environment, output captured; unknown commands succeed. Times out after
     * {@code timeoutMillis} (real). The handle abandons the command: it is killed and
     * {@code result} is not called.
     */
    public Timers.Cancellable exec(List<String> command, long timeoutMillis, Consumer<ExecResult> result) {
        if (!isRunning()) {
            result.accept(new ExecResult(-1, "container not running (" + id + ")", false));
            return Timers.Cancellable.NONE;
        }
        StringBuilder out = new StringBuilder();
        Output capture = s -> {
            synchronized (out) {
                if (out.length() < 4096) {
                    out.append(s);
                }
            }
        };
        ShellProcess.Config cfg = configBuilder().output(capture).build();
        boolean[] done = new boolean[1];
        Object lock = new Object();
        ShellProcess p;
        try {
            p = ShellProcess.forArgv(command, cfg);
        } catch (ShellSyntaxException e) {
            result.accept(new ExecResult(2, e.getMessage(), false));
            return Timers.Cancellable.NONE;
        }
        Timers.Cancellable timeout = timers.after(timeoutMillis, () -> {
            synchronized (lock) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
            }
            p.kill();
            result.accept(new ExecResult(-1, "command timed out", true));
        });
        p.start(code -> {
            synchronized (lock) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
            }
            timeout.cancel();
            String o;
            synchronized (out) {
                o = out.toString();
            }
            result.accept(new ExecResult(code, o, false));
        });
        return () -> {
            synchronized (lock) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
            }
            timeout.cancel();
            p.kill();
        };
    }
}
