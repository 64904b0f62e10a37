package io.kubelite.kubelet.runtime;

import io.kubelite.store.runtime.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pod's spec cannot say about how its containers behave, from annotations
 * {@code sim.kubelite.io/<name>} (all containers) or {@code sim.kubelite.io/<name>.<container>}
 * (one container; wins). Durations are simulated time (shrunk by --time-scale).
 *
 * <ul>
 *   <li>{@code image-pull-time}: how long pulling the image takes (default 0).</li>
 *   <li>{@code image-pull-failures}: {@code always}, or how many pulls fail before one
 *       succeeds (ErrImagePull, then ImagePullBackOff).</li>
 *   <li>{@code startup-time}: how long after start the container begins serving its
 *       ports (tcpSocket/httpGet probes fail before).</li>
 *   <li>{@code http-status}: the HTTP status its server answers, optionally over time:
 *       {@code 500}, or {@code 200,500@30s,200@2m} (status from an offset since start).</li>
 *   <li>{@code grpc-status}: what its gRPC health service answers ({@link GrpcHealth}):
 *       {@code SERVING} (default), {@code NOT_SERVING}, {@code UNKNOWN}, {@code SERVICE_UNKNOWN},
 *       optionally over time as http-status: {@code SERVING,NOT_SERVING@30s}. gRPC probes fail
 *       before startup-time and on a port the container does not serve, as tcpSocket ones.</li>
 *   <li>{@code readiness-flap}: period P; readiness probes succeed for P, fail for P,
 *       and so on, from the container's start.</li>
 *   <li>{@code termination-time}: how long the container takes to exit after SIGTERM;
 *       if within the grace period it exits 0, else it is killed at the end of the grace
 *       period (137). Unset: it is killed at once (137).</li>
 *   <li>{@code exit}: for a container running its image's default program:
 *       {@code CODE} or {@code CODE@DURATION} — the program exits with CODE after DURATION.</li>
 * </ul>
 */
public record Behaviour(
        Duration imagePullTime,
        int imagePullFailures,
        Duration startupTime,
        List<StatusAt> httpStatus,
        GrpcHealth grpcHealth,
        Duration readinessFlap,
        Duration terminationTime,
        Integer exitCode,
        Duration exitAfter) {
    private static final Logger LOG = LoggerFactory.getLogger(Behaviour.class);
    public static final String PREFIX = "sim.kubelite.io/";
    public static final int ALWAYS = Integer.MAX_VALUE;
    public static final Behaviour DEFAULT = new Behaviour(
            Duration.ZERO,
            0,
            Duration.ZERO,
            List.of(new StatusAt(Duration.ZERO, 200)),
            GrpcHealth.DEFAULT,
            Duration.ZERO,
            null,
            null,
            null);

    /** HTTP status from an offset since the container started. */
    public record StatusAt(Duration from, int status) {}

    /** The behaviour of {@code container} in a pod with these annotations; malformed values are logged and ignored. */
    public static Behaviour of(Map<String, String> annotations, String container) {
        if (annotations.isEmpty()) {
            return DEFAULT;
        }
        Duration pull = duration(annotations, "image-pull-time", container, Duration.ZERO);
        int failures = 0;
        String f = value(annotations, "image-pull-failures", container);
        if (f != null) {
            if (f.equalsIgnoreCase("always") || f.equalsIgnoreCase("true")) {
                failures = ALWAYS;
            } else {
                try {
                    failures = Math.max(0, Integer.parseInt(f.trim()));
                } catch (NumberFormatException e) {
                    warn("image-pull-failures", f);
                }
            }
        }
        Duration startup = duration(annotations, "startup-time", container, Duration.ZERO);
        List<StatusAt> statuses = DEFAULT.httpStatus();
        String hs = value(annotations, "http-status", container);
        if (hs != null) {
            try {
                statuses = parseStatuses(hs);
            } catch (IllegalArgumentException e) {
                warn("http-status", hs);
            }
        }
        GrpcHealth grpc = GrpcHealth.DEFAULT;
        String gs = value(annotations, "grpc-status", container);
        if (gs != null) {
            try {
                grpc = GrpcHealth.parse(gs);
            } catch (IllegalArgumentException e) {
                warn("grpc-status", gs);
            }
        }
        Duration flap = duration(annotations, "readiness-flap", container, Duration.ZERO);
        Duration term = duration(annotations, "termination-time", container, null);
        Integer exitCode = null;
        Duration exitAfter = null;
        String ex = value(annotations, "exit", container);
        if (ex != null) {
            try {
                int at = ex.indexOf('@');
                exitCode = Integer.parseInt((at < 0 ? ex : ex.substring(0, at)).trim());
                exitAfter = at < 0 ? Duration.ZERO : parseDuration(ex.substring(at + 1));
            } catch (IllegalArgumentException e) {
                warn("exit", ex);
                exitCode = null;
                exitAfter = null;
            }
        }
        return new Behaviour(pull, failures, startup, statuses, grpc, flap, term, exitCode, exitAfter);
    }

    static List<StatusAt> parseStatuses(String s) {
        List<StatusAt> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int at = p.indexOf('@');
            int status = Integer.parseInt((at < 0 ? p : p.substring(0, at)).trim());
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status " + status);
            }
            Duration from = at < 0 ? Duration.ZERO : parseDuration(p.substring(at + 1));
            out.add(new StatusAt(from, status));
        }
        out.sort((a, b) -> a.from().compareTo(b.from()));
        return List.copyOf(out);
    }

    /** The HTTP status answered {@code sinceStart} (simulated time) after the container started. */
    public int httpStatusAt(Duration sinceStart) {
        int s = 200;
        for (StatusAt st : httpStatus) {
            if (sinceStart.compareTo(st.from()) >= 0) {
                s = st.status();
            }
        }
        return s;
    }

    /**
     * A Go-style duration. DurationConverter throws picocli's TypeConversionException, which is
     * no IllegalArgumentException: turned into one here, so that a malformed annotation is
     * ignored with a warning rather than failing the pod's worker.
     */
    static Duration parseDuration(String text) {
        try {
            return DurationConverter.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String value(Map<String, String> a, String name, String container) {
        String v = a.get(PREFIX + name + "." + container);
        return v != null ? v : a.get(PREFIX + name);
    }

    private static Duration duration(Map<String, String> a, String name, String container, Duration def) {
        String v = value(a, name, container);
        if (v == null) {
            return def;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            warn(name, v);
            return def;
        }
    }

    private static void warn(String name, String value) {
        LOG.warn("ignoring annotation {}{}: cannot parse \"{}\"", PREFIX, name, value);
    }
}
