package io.kubelite.kubelet.pod;

import io.kubelite.api.GRPCAction;
import io.kubelite.api.Probe;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.runtime.GrpcHealth;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One probe of one container instance, run like the kubelet's probe worker: the first
 * probe {@code initialDelaySeconds} after the container started, then every
 * {@code periodSeconds}; each attempt bounded by {@code timeoutSeconds}; the result
 * flips to success after {@code successThreshold} consecutive successes and to failure
 * after {@code failureThreshold} consecutive failures. Liveness and readiness probes do
 * not run until the container has started (its startup probe succeeded). Runs on the
 * shared timers; {@link #stop()} ends it. {@link ProbeManager} creates one per probe of each
 * app container instance and acts on what it reports.
 *
 * <p>Evaluation never touches the network: exec runs the command in the container's
 * simulated shell; tcpSocket and httpGet succeed while the container serves the port
 * (named ports resolved against its declared ports) and, for httpGet, answers a status in
 * 200..399; grpc, while the container serves the port, gets the status its health service answers
 * ({@link GrpcHealth}) and fails as kube's gRPC prober words it.
 */
final class Prober {
    /** Told each time the probe's result changes (and its first result). */
    interface Listener {
        void onResult(Prober prober, boolean success, String message);
    }

    private final ProbeRole role;
    private final Probe probe;
    private final SimContainer container;
    private final String podIp;
    private final Timers timers;
    private final TimeScale scale;
    private final BooleanSupplier startedGate;
    private final Listener listener;
    private final long periodMillis;
    private final long timeoutMillis;
    /** Unscaled, for messages that quote the probe's timeout. */
    private final long timeoutSeconds;

    private final int successThreshold;
    private final int failureThreshold;
    private Timers.Cancellable timer = Timers.Cancellable.NONE;
    private boolean stopped;
    private Boolean result;
    private int successes;
    private int failures;

    Prober(
            ProbeRole role,
            Probe probe,
            SimContainer container,
            String podIp,
            Timers timers,
            TimeScale scale,
            BooleanSupplier startedGate,
            Boolean initialResult,
            Listener listener) {
        this.role = role;
        this.probe = probe;
        this.container = container;
        this.podIp = podIp;
        this.timers = timers;
        this.scale = scale;
        this.startedGate = startedGate;
        this.listener = listener;
        this.result = initialResult;
        this.periodMillis =
                Math.max(1, scale.millisOfSeconds(probe.getPeriodSeconds() > 0 ? probe.getPeriodSeconds() : 10));
        this.timeoutSeconds = probe.getTimeoutSeconds() > 0 ? probe.getTimeoutSeconds() : 1;
        this.timeoutMillis = Math.max(1, scale.millisOfSeconds(timeoutSeconds));
        this.successThreshold =
                role == ProbeRole.READINESS && probe.getSuccessThreshold() > 0 ? probe.getSuccessThreshold() : 1;
        this.failureThreshold = probe.getFailureThreshold() > 0 ? probe.getFailureThreshold() : 3;
    }

    ProbeRole role() {
        return role;
    }

    SimContainer container() {
        return container;
    }

    /** Starts probing; {@code jitter} spreads the first probe over one period (used after a simulator restart). */
    synchronized void start(boolean jitter) {
        long first = container.startedAtMillis()
                + scale.millisOfSeconds(probe.getInitialDelaySeconds())
                - timers.nowMillis();
        if (jitter) {
            first = Math.max(first, ThreadLocalRandom.current().nextLong(periodMillis));
        }
        timer = timers.after(Math.max(0, first), this::tick);
    }

    synchronized void stop() {
        stopped = true;
        timer.cancel();
    }

    private void tick() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        if (!container.isRunning() || (role != ProbeRole.STARTUP && !startedGate.getAsBoolean())) {
            schedule();
            return;
        }
        evaluate(outcome -> {
            record(outcome.ok, outcome.message);
            schedule();
        });
    }

    private synchronized void schedule() {
        if (!stopped) {
            timer = timers.after(periodMillis, this::tick);
        }
    }

    private record Outcome(boolean ok, String message) {}

    private void record(boolean ok, String message) {
        boolean changed;
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (ok) {
                successes++;
                failures = 0;
                changed = successes >= successThreshold && !Boolean.TRUE.equals(result);
                if (changed) {
                    result = true;
                }
            } else {
                failures++;
                successes = 0;
                changed = failures >= failureThreshold && !Boolean.FALSE.equals(result);
                if (changed) {
                    result = false;
                }
            }
            if (changed && role == ProbeRole.STARTUP && Boolean.TRUE.equals(result)) {
                stopped = true; // a startup probe stops once it succeeded
            }
            if (changed && role != ProbeRole.READINESS && Boolean.FALSE.equals(result)) {
                stopped = true; // the container is about to be killed
            }
        }
        if (changed) {
            listener.onResult(this, ok, message);
        }
    }

    private void evaluate(Consumer<Outcome> done) {
        if (role == ProbeRole.READINESS && container.readinessFlapFailing()) {
            done.accept(new Outcome(false, "readiness flapping (sim.kubelite.io/readiness-flap)"));
            return;
        }
        if (probe.hasExec()) {
            container.exec(probe.getExec().getCommandList(), timeoutMillis, r -> {
                if (r.timedOut()) {
                    done.accept(new Outcome(false, "command timed out"));
                } else {
                    done.accept(new Outcome(r.exitCode() == 0, r.output().strip()));
                }
            });
            return;
        }
        if (probe.hasTcpSocket()) {
            Integer port = HandlerPorts.resolve(probe.getTcpSocket().getPort(), container);
            if (port == null) {
                done.accept(new Outcome(
                        false,
                        "unable to find port "
                                + HandlerPorts.text(probe.getTcpSocket().getPort())));
            } else if (container.serves(port)) {
                done.accept(new Outcome(true, ""));
            } else {
                done.accept(new Outcome(
                        false,
                        "dial tcp " + host(probe.getTcpSocket().getHost()) + ":" + port
                                + ": connect: connection refused"));
            }
            return;
        }
        if (probe.hasHttpGet()) {
            Integer port = HandlerPorts.resolve(probe.getHttpGet().getPort(), container);
            String scheme = probe.getHttpGet().getScheme().isEmpty()
                    ? "http"
                    : probe.getHttpGet().getScheme().toLowerCase();
            String path = probe.getHttpGet().getPath().isEmpty()
                    ? "/"
                    : probe.getHttpGet().getPath();
            if (port == null) {
                done.accept(new Outcome(
                        false,
                        "unable to find port "
                                + HandlerPorts.text(probe.getHttpGet().getPort())));
            } else if (!container.serves(port)) {
                done.accept(new Outcome(
                        false,
                        "Get \"" + scheme + "://" + host(probe.getHttpGet().getHost()) + ":" + port + path
                                + "\": dial tcp " + host(probe.getHttpGet().getHost()) + ":" + port
                                + ": connect: connection refused"));
            } else {
                int status = container.httpStatus();
                if (status >= 200 && status < 400) {
                    done.accept(new Outcome(true, ""));
                } else {
                    done.accept(new Outcome(false, "HTTP probe failed with statuscode: " + status));
                }
            }
            return;
        }
        if (probe.hasGrpc()) {
            evaluateGrpc(probe.getGrpc(), done);
            return;
        }
        done.accept(new Outcome(true, "")); // no handler: nothing to fail
    }

    /**
     * As kube's gRPC prober (pkg/probe/grpc): it dials the pod IP (a gRPC probe has no host) and
     * calls Health/Check with the probe's service; anything but SERVING fails.
     */
    private void evaluateGrpc(GRPCAction grpc, Consumer<Outcome> done) {
        int port = grpc.getPort();
        String addr = (podIp.contains(":") ? "[" + podIp + "]" : podIp) + ":" + port;
        if (!container.serves(port)) {
            // a blocking dial retries a refused connection until the probe's timeout runs out
            String msg = "timeout: failed to connect service \"" + addr + "\" within "
                    + GoDuration.format(timeoutSeconds * 1000) + ": context deadline exceeded";
            timers.after(timeoutMillis, () -> done.accept(new Outcome(false, msg)));
            return;
        }
        String status = container.grpcStatus();
        if (GrpcHealth.SERVING.equals(status)) {
            done.accept(new Outcome(true, ""));
        } else {
            done.accept(new Outcome(false, "service unhealthy (responded with \"" + status + "\")"));
        }
    }

    private String host(String h) {
        return h == null || h.isEmpty() ? podIp : h;
    }
}
