package io.kubelite.store.runtime;

import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.EtcdRequestMetrics;
import io.kubelite.store.election.Elector;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.election.LeadershipListener;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.runtime.mirror.MirrorPodDecoration;
import io.kubelite.store.runtime.mirror.MirrorPodPublisher;
import io.kubelite.store.runtime.mirror.ProcessMirrorPod;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs one {@link Component} as a kubelite process: logging, etcd, health server,
 * leader election and an orderly shutdown.
 *
 * <p>{@link #run()} is what a {@code main} calls (through picocli):
 * <ol>
 *   <li>sets the root log level from {@code --log-level} and routes java.util.logging
 *       (gRPC's) into SLF4J;</li>
 *   <li>starts the {@link HealthServer} (so liveness is served while waiting for etcd);</li>
 *   <li>connects to etcd and waits up to {@code --etcd-startup-timeout} for it to answer.
 *       If it never does, run prints one line to stderr, e.g. {@code kubelite scheduler:
 *       etcd at 127.0.0.1:2379 did not answer within 30s; start etcd or set
 *       --etcd-endpoints / ETCD_ENDPOINTS}, and returns 1;</li>
 *   <li>calls {@link Component#start}, then either starts the {@link Elector} (with
 *       {@code --leader-elect}) whose hooks reach the component, or calls
 *       {@code onStartedLeading(Leadership.UNELECTED)} at once;</li>
 *   <li>blocks until SIGTERM/SIGINT, {@link #shutdown()} or {@link ComponentContext#fatal},
 *       then: readiness and liveness fail, the component is closed (stops acting), the
 *       elector steps down and revokes its lease, etcd is closed, the health server and
 *       metrics are closed; returns 0 (1 after a fatal error).</li>
 * </ol>
 * Unless {@code --mirror-pod=false}, once the component started the process publishes its
 * mirror pod ({@code kube-system/kube-<component>-<id>}, see {@link MirrorPodPublisher}),
 * Ready while the readiness checks pass, and deletes it right after the component's close;
 * the health server's {@code /logs} serves the process's recent log ({@link LogBuffer}).
 * Built-in readiness checks: {@code etcd} (one count-only get with a deadline of at most
 * 2s) and {@code component-started}.
 *
 * <p>Caveats: one instance per process. It configures process-global things (the
 * logback root level, the JUL bridge, and in {@code run()} the TERM/INT signal handlers
 * and a JVM shutdown hook). SIGTERM is handled with {@code sun.misc.Signal} rather than
 * only a shutdown hook so that a graceful stop exits 0 instead of the JVM's 143; if the
 * handler cannot be installed (e.g. under {@code -Xrs}) the shutdown hook still stops
 * everything in order, but the exit code is the JVM's. A second TERM/INT during the
 * stop halts the process at once with code 1, and so does a signalled stop that takes longer
 * than {@code --shutdown-timeout} (after logging why). {@link #shutdown()} waits for
 * {@link Component#close()} without a time limit.
 */
public final class ComponentMain {
    private static final Logger log = LoggerFactory.getLogger(ComponentMain.class);
    /** What {@code kubectl logs} of the mirror pod can show: the last lines, at most ~4 MiB. */
    private static final int LOG_LINES = 10_000;

    private static final long LOG_CHARS = 2_000_000;
    private static final Duration MIRROR_REFRESH = Duration.ofSeconds(2);

    private enum State {
        LATENT,
        STARTING,
        RUNNING,
        STOPPING,
        STOPPED
    }

    private final String componentName;
    private final String displayName;
    private final Component component;
    private final CommonOptions options;
    private final ElectorFactory electors;
    private final String identity;

    private final Object stateLock = new Object();
    private State state = State.LATENT;
    private String stopReason;
    private int exitCode;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    // Serialises leadership hooks with the component's close, so no hook starts after close.
    private final Object componentLock = new Object();
    private boolean componentStartCalled;
    private boolean componentClosed;
    private volatile boolean componentStarted;
    private final AtomicInteger leading = new AtomicInteger();

    // Written by the thread running start(), read by the shutdown thread after it was
    // started under stateLock (which orders the two).
    private ProcessMetrics metrics;
    private HealthServer health;
    private volatile Etcd etcd;
    private volatile EtcdStartupProbe etcdProbe;
    private Elector elector;
    private LogBuffer logs;
    private MirrorPodPublisher mirrorPods;
    private final Instant startedAt = Instant.now();

    /**
     * @param componentName short name used in logs, messages, the election name and metrics
     *                      (e.g. {@code scheduler})
     * @param electors      how to build the elector when {@code --leader-elect} is set;
     *                      {@link ElectorFactory#UNAVAILABLE} for components that never elect
     */
    public ComponentMain(String componentName, Component component, CommonOptions options, ElectorFactory electors) {
        this.componentName = Objects.requireNonNull(componentName, "componentName");
        this.displayName = "kubelite " + componentName;
        this.component = Objects.requireNonNull(component, "component");
        this.options = Objects.requireNonNull(options, "options");
        this.electors = Objects.requireNonNull(electors, "electors");
        this.identity = options.identity();
    }

    /**
     * The whole process lifecycle; returns the exit code for {@code System.exit}. Prints
     * one line to stderr when startup fails; never throws.
     */
    public int run() {
        Thread hook = installSignalHandlers();
        try {
            try {
                start();
            } catch (StartupException e) {
                int code = exitCodeIfRequested();
                if (code == 0 && wasStopRequested()) {
                    return 0; // a SIGTERM during startup is a clean stop, not an error
                }
                System.err.println(e.getMessage());
                return 1;
            }
            return awaitShutdown();
        } finally {
            removeShutdownHook(hook);
        }
    }

    /**
     * Starts everything (steps 1-4 of the class comment) and returns once the component
     * runs. On failure everything started so far is stopped and closed before this throws.
     *
     * @throws StartupException with a one-line user-facing message
     * @throws IllegalStateException if called twice
     */
    public void start() throws StartupException {
        synchronized (stateLock) {
            if (state != State.LATENT) {
                if (state == State.STOPPED && wasStopRequested()) {
                    // a signal arrived between installing the handlers and starting
                    throw new StartupException(displayName + ": " + stopReason, null);
                }
                throw new IllegalStateException(displayName + " was already started");
            }
            state = State.STARTING;
        }
        try {
            doStart();
        } catch (StartupException e) {
            if (wasStopRequested()) {
                log.info("{} stop requested during startup", displayName);
            } else {
                // The message says what to do; the cause's stack trace is for debugging only
                // (a component's own start failure is logged with its trace where it happens).
                log.error(
                        "{} failed to start: {}{}",
                        displayName,
                        e.getMessage(),
                        e.getCause() == null ? "" : " (last error: " + Failures.oneLine(e.getCause()) + ")");
                log.debug("{} startup failure cause", displayName, e.getCause());
            }
            stopAll(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log.error("{} failed to start", displayName, e);
            stopAll("startup failed");
            throw new StartupException(displayName + ": startup failed: " + Failures.oneLine(e), e);
        }
        boolean abort;
        synchronized (stateLock) {
            abort = stopRequested.getCount() == 0;
            if (!abort) {
                state = State.RUNNING;
            }
        }
        if (abort) {
            stopAll(stopReason);
            throw new StartupException(displayName + ": " + stopReason, null);
        }
        log.info("{} running as {}", displayName, identity);
    }

    private void doStart() throws StartupException {
        ProcessLogging.configure(options.logLevel());
        // kept from the start, so `kubectl logs` of the mirror pod shows the whole startup
        logs = new LogBuffer(LOG_LINES, LOG_CHARS);
        logs.attach();
        EtcdConfig etcdConfig;
        StorageEncryption encryption;
        try {
            options.validate();
            etcdConfig = options.etcdConfig();
            encryption = options.storageEncryption();
        } catch (IllegalArgumentException e) {
            throw new StartupException(displayName + ": " + e.getMessage(), null);
        }
        log.info(
                "{} starting as {} (etcd {}{}{} prefix {}, leader-elect {})",
                displayName,
                identity,
                String.join(",", options.etcdEndpoints()),
                etcdConfig.tls() == null ? "" : " over TLS",
                etcdConfig.credentials() == null
                        ? ""
                        : " as user " + etcdConfig.credentials().username(),
                options.etcdPrefix(),
                options.leaderElect());

        metrics = new ProcessMetrics();
        ReadinessChecks readiness = new ReadinessChecks();
        readiness.add("etcd", () -> etcdProbe != null && etcdProbe.answers());
        readiness.add("component-started", () -> componentStarted);
        Gauge.builder("leader_election_master_status", leading, AtomicInteger::get)
                .description("1 while this process is the leader (or runs without leader election)")
                .tag("name", componentName)
                .register(metrics.registry());

        health = new HealthServer(
                options.healthBindAddress(), options.healthPort(), readiness, metrics.registry(), logs);
        try {
            health.start();
        } catch (IOException e) {
            throw new StartupException(
                    displayName + ": cannot serve health endpoints on " + options.healthBindAddress() + ":"
                            + options.healthPort() + ": " + Failures.oneLine(e),
                    e);
        }

        try {
            etcd = Etcd.connect(etcdConfig, encryption);
        } catch (IllegalArgumentException e) {
            throw new StartupException(displayName + ": " + e.getMessage(), e);
        }
        if (encryption != StorageEncryption.NONE) {
            log.info("{} {}", displayName, encryption.summary());
        }
        etcd.recordRequests(EtcdRequestMetrics.of(metrics.registry()));
        etcdProbe = new EtcdStartupProbe(etcd, options, displayName);
        etcdProbe.await(stopRequested);
        checkNotStopped();

        if (options.mirrorPod()) {
            Duration ttl = options.mirrorPodLeaseDuration();
            Duration refresh = ttl.dividedBy(3).compareTo(MIRROR_REFRESH) < 0 ? ttl.dividedBy(3) : MIRROR_REFRESH;
            mirrorPods = new MirrorPodPublisher(etcd, ttl, refresh, Clock.systemUTC());
        }
        ComponentContext ctx = new ComponentContext(
                componentName,
                identity,
                etcd,
                options,
                metrics.registry(),
                readiness,
                (reason, cause) -> fatal(reason, cause),
                mirrorPods);
        synchronized (componentLock) {
            componentStartCalled = true;
        }
        try {
            component.start(ctx);
        } catch (Exception e) {
            log.error("{} component failed to start", displayName, e);
            throw new StartupException(displayName + ": component failed to start: " + Failures.oneLine(e), e);
        }
        componentStarted = true;
        log.info("{} component started", displayName);
        if (mirrorPods != null) {
            List<String> command = new ArrayList<>(List.of("kubelite", componentName));
            command.addAll(options.originalArgs());
            mirrorPods.add(new ProcessMirrorPod(
                    componentName,
                    identity,
                    options.host(),
                    command,
                    health.port(),
                    startedAt,
                    () -> readiness.evaluate().ready(),
                    decoration()));
            mirrorPods.start();
        }
        checkNotStopped();

        Hooks hooks = new Hooks();
        if (options.leaderElect()) {
            try {
                elector = electors.create(etcd, componentName, identity, options.leaderLeaseDuration(), hooks);
                elector.start();
            } catch (RuntimeException e) {
                throw new StartupException(displayName + ": cannot start leader election: " + Failures.oneLine(e), e);
            }
            log.info(
                    "{} campaigning for leadership of {} as {} (lease {})",
                    displayName,
                    componentName,
                    identity,
                    DurationConverter.format(options.leaderLeaseDuration()));
        } else {
            log.info("{} runs without leader election", displayName);
            hooks.onStartedLeading(Leadership.UNELECTED);
        }
    }

    /** Polls etcd with a bounded call until it answers, the startup timeout passes, or a stop is requested. */
    private void checkNotStopped() throws StartupException {
        if (wasStopRequested()) {
            String reason;
            synchronized (stateLock) {
                reason = stopReason;
            }
            throw new StartupException(displayName + ": " + reason, null);
        }
    }

    /**
     * Requests an orderly stop (exit code 0) and waits until it finished. Idempotent;
     * safe from any thread except the component's own hooks and close.
     */
    public int shutdown() {
        requestStop("shutdown requested", 0);
        return awaitShutdown();
    }

    /** Blocks until the process has stopped; returns its exit code (0, or 1 after a fatal error). */
    public int awaitShutdown() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: returning early would let main exit mid-stop
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (stateLock) {
            return exitCode;
        }
    }

    /**
     * The component's additions to its mirror pod; a bad one is the component's bug, logged,
     * and the plain pod is published rather than none.
     */
    private MirrorPodDecoration decoration() {
        try {
            return component.mirrorPodDecoration(health.port());
        } catch (RuntimeException e) {
            log.error("{} mirror pod decoration failed; publishing the plain pod", displayName, e);
            return MirrorPodDecoration.NONE;
        }
    }

    /** The health server's bound port; valid once {@link #start()} returned. */
    public int healthPort() {
        return health.port();
    }

    private void fatal(String reason, Throwable cause) {
        if (requestStop("fatal: " + reason, 1)) {
            log.error("{} fatal error: {}", displayName, reason, cause);
        }
    }

    /**
     * Asks for a stop. Returns false if a stop was already requested. During startup it
     * only records the request (start() notices it); when running it starts the stop on
     * a dedicated thread, because the caller may be a component thread that close() joins.
     */
    private boolean requestStop(String reason, int code) {
        synchronized (stateLock) {
            if (stopRequested.getCount() == 0) {
                return false;
            }
            stopReason = reason;
            exitCode = code;
            stopRequested.countDown();
            if (state == State.LATENT) {
                state = State.STOPPED;
                stopped.countDown();
                return true;
            }
            if (state != State.RUNNING) {
                return true; // STARTING: start() stops everything itself
            }
            state = State.STOPPING;
        }
        Thread t = new Thread(() -> stopAll(reason), componentName + "-shutdown");
        t.setDaemon(false); // the JVM must not exit mid-stop
        t.start();
        return true;
    }

    private boolean wasStopRequested() {
        return stopRequested.getCount() == 0;
    }

    private int exitCodeIfRequested() {
        synchronized (stateLock) {
            return wasStopRequested() ? exitCode : 1;
        }
    }

    /** The stop sequence; each step runs even if an earlier one failed. */
    private void stopAll(String reason) {
        try {
            log.info("{} stopping: {}", displayName, reason);
            if (health != null) {
                health.markShuttingDown();
            }
            closeComponent();
            if (mirrorPods != null) {
                step("mirror pods deleted", mirrorPods::close);
            }
            if (elector != null) {
                step("left leader election (lease revoked)", elector::close);
            }
            if (etcd != null) {
                step("etcd connection closed", etcd::close);
            }
            if (health != null) {
                step("health server stopped", health::close);
            }
            if (metrics != null) {
                metrics.close();
            }
            if (logs != null) {
                logs.close();
            }
            log.info("{} stopped", displayName);
        } finally {
            synchronized (stateLock) {
                state = State.STOPPED;
            }
            stopped.countDown();
        }
    }

    /**
     * Ends the process when a stop asked for by a signal outlives {@code --shutdown-timeout}:
     * a component whose close hangs (a stuck worker, an etcd call during an outage) must not
     * keep a stopped process alive until its supervisor's SIGKILL, which leaves no trace of
     * why. Only for signals: an in-process {@link #shutdown()} (tests, embedding) never halts
     * the JVM.
     */
    private void startStopWatchdog() {
        Duration limit = options.shutdownTimeout();
        Thread t = new Thread(
                () -> {
                    try {
                        if (stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    log.error("{} did not stop within --shutdown-timeout {}; exiting now", displayName, limit);
                    Runtime.getRuntime().halt(1);
                },
                componentName + "-stop-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private void closeComponent() {
        synchronized (componentLock) {
            if (!componentStartCalled || componentClosed) {
                return;
            }
            componentClosed = true;
            leading.set(0);
            step("component closed", component::close);
        }
    }

    private void step(String done, Runnable r) {
        try {
            r.run();
            log.info("{} {}", displayName, done);
        } catch (RuntimeException e) {
            log.error("{} shutdown step failed before: {}", displayName, done, e);
        }
    }

    /** Forwards elector callbacks to the component, never after its close, and treats a throwing hook as fatal. */
    private final class Hooks implements LeadershipListener {
        @Override
        public void onStartedLeading(Leadership term) {
            synchronized (componentLock) {
                if (componentClosed) {
                    return;
                }
                if (term.elected()) {
                    log.info("{} started leading: key {} token {}", displayName, term.key(), term.token());
                }
                leading.set(1);
                try {
                    component.onStartedLeading(term);
                } catch (RuntimeException e) {
                    fatal("onStartedLeading failed: " + Failures.oneLine(e), e);
                }
            }
        }

        @Override
        public void onStoppedLeading() {
            synchronized (componentLock) {
                if (componentClosed || leading.get() == 0) {
                    return;
                }
                log.info("{} stopped leading", displayName);
                leading.set(0);
                try {
                    component.onStoppedLeading();
                } catch (RuntimeException e) {
                    fatal("onStoppedLeading failed: " + Failures.oneLine(e), e);
                }
            }
        }
    }

    private Thread installSignalHandlers() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), sig -> onSignal("SIG" + sig.getName()));
            } catch (IllegalArgumentException e) {
                log.warn(
                        "{} cannot handle SIG{} ({}); relying on the JVM shutdown hook",
                        displayName,
                        name,
                        e.getMessage());
            }
        }
        // Backstop for exits not caused by TERM/INT (System.exit elsewhere, SIGHUP): stop in order.
        Thread hook = new Thread(
                () -> {
                    requestStop("JVM shutdown", 0);
                    awaitShutdown();
                },
                componentName + "-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private void onSignal(String signal) {
        if (!wasStopRequested()) {
            log.info("{} received {}; shutting down", displayName, signal);
        }
        if (!requestStop("received " + signal, 0)) {
            log.warn("{} received {} while stopping; exiting now", displayName, signal);
            Runtime.getRuntime().halt(1);
        }
        startStopWatchdog();
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook just waits for the finished stop
        }
    }
}
