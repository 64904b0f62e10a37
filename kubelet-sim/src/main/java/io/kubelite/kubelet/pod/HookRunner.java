package io.kubelite.kubelet.pod;

import io.kubelite.api.HTTPGetAction;
import io.kubelite.api.LifecycleHandler;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.runtime.SimContainer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Runs one lifecycle handler (a postStart or preStop hook) in one container instance, as the
 * kubelet's handlerRunner (pkg/kubelet/lifecycle/handlers.go) does, with its error messages:
 *
 * <ul>
 *   <li>{@code exec}: the command in the instance's simulated shell, as exec probes and
 *       {@code kubectl exec} run it (same filesystem and environment); fails on a non-zero exit.
 *       No timeout: the caller cuts it ({@link #run}'s handle).
 *   <li>{@code httpGet}: a GET against the image's simulated server; it fails only when nothing
 *       listens on the port (the server is still starting, the port is not declared), since the
 *       kubelet takes any HTTP answer, a 500 included, as the hook having run.
 *   <li>{@code sleep}: waits the seconds (PodLifecycleSleepAction, on by default in 1.32).
 *   <li>{@code tcpSocket} (deprecated, never supported by the kubelet) and no handler fail.
 * </ul>
 *
 * <p>Times are simulated (shrunk by the {@link TimeScale}). The result is always delivered on a
 * scheduler thread, never inside {@link #run}, so that callers can record the handle first.
 */
final class HookRunner {
    /** What a hook came to: {@code message} says why it failed (empty when it succeeded). */
    record Result(boolean ok, String message) {}

    /** An exec without a deadline of its own: a day, far beyond any grace period. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(1);

    private final Timers timers;
    private final TimeScale scale;

    HookRunner(Timers timers, TimeScale scale) {
        this.timers = timers;
        this.scale = scale;
    }

    /**
     * Starts handler {@code h} in instance {@code c}; {@code podText} is the pod as the kubelet's
     * messages name it (name_namespace(uid)), {@code podIp} the default host of an httpGet.
     *
     * @return a handle that abandons the hook: {@code done} is not called after it
     */
    Timers.Cancellable run(LifecycleHandler h, SimContainer c, String podText, String podIp, Consumer<Result> done) {
        Once once = new Once(done);
        String container = c.spec().getName();
        if (h.hasExec()) {
            var command = h.getExec().getCommandList();
            Timers.Cancellable exec = c.exec(command, NO_TIMEOUT.toMillis(), r -> {
                if (r.exitCode() == 0) {
                    once.deliver(new Result(true, ""));
                    return;
                }
                String error = r.exitCode() < 0
                        ? r.output()
                        : "command '" + String.join(" ", command) + "' exited with " + r.exitCode() + ": " + r.output();
                once.deliver(new Result(
                        false,
                        "Exec lifecycle hook ([" + String.join(" ", command) + "]) for Container \""
                                + container + "\" in Pod \"" + podText + "\" failed - error: " + error + ", message: \""
                                + r.output() + "\""));
            });
            return () -> {
                once.abandon();
                exec.cancel();
            };
        }
        if (h.hasHttpGet()) {
            String error = httpGet(h.getHttpGet(), c, podIp);
            once.deliver(
                    error == null
                            ? new Result(true, "")
                            : new Result(
                                    false,
                                    "HTTP lifecycle hook (" + h.getHttpGet().getPath() + ") for Container \""
                                            + container + "\" in Pod \"" + podText + "\" failed - error: " + error));
            return once::abandon;
        }
        if (h.hasSleep()) {
            Timers.Cancellable t = timers.after(
                    scale.millisOfSeconds(h.getSleep().getSeconds()), () -> once.deliver(new Result(true, "")));
            return () -> {
                once.abandon();
                t.cancel();
            };
        }
        once.deliver(
                new Result(false, "Cannot run handler: invalid handler: " + (h.hasTcpSocket() ? "tcpSocket" : "none")));
        return once::abandon;
    }

    /** The GET's error as Go's HTTP client words it, or null when the server answered. */
    private static String httpGet(HTTPGetAction a, SimContainer c, String podIp) {
        Integer port = HandlerPorts.resolve(a.getPort(), c);
        if (port == null) {
            return "couldn't find port: " + HandlerPorts.text(a.getPort());
        }
        String host = a.getHost().isEmpty() ? podIp : a.getHost();
        String scheme = a.getScheme().isEmpty() ? "http" : a.getScheme().toLowerCase();
        if (c.serves(port)) {
            return null;
        }
        return "Get \"" + scheme + "://" + host + ":" + port + a.getPath() + "\": dial tcp " + host + ":" + port
                + ": connect: connection refused";
    }

    /** Delivers one result at most, on a scheduler thread, unless abandoned first. */
    private final class Once {
        private final Consumer<Result> done;
        private boolean over;

        Once(Consumer<Result> done) {
            this.done = done;
        }

        void deliver(Result r) {
            timers.execute(() -> {
                synchronized (this) {
                    if (over) {
                        return;
                    }
                    over = true;
                }
                done.accept(r);
            });
        }

        synchronized void abandon() {
            over = true;
        }
    }
}
