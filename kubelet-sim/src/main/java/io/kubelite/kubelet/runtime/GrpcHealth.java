package io.kubelite.kubelet.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a container's gRPC health service ({@code grpc.health.v1.Health/Check}) answers over
 * time, from the {@code sim.kubelite.io/grpc-status} annotation: {@code NOT_SERVING}, or
 * {@code SERVING,NOT_SERVING@30s,SERVING@2m} (a status from an offset since the container
 * started). The same for every service name a probe asks about. {@link #DEFAULT} is
 * {@code SERVING}.
 */
public record GrpcHealth(List<StatusAt> statuses) {
    /** grpc.health.v1.HealthCheckResponse.ServingStatus names. */
    public static final Set<String> STATUSES = Set.of("UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN");

    public static final String SERVING = "SERVING";
    public static final GrpcHealth DEFAULT = new GrpcHealth(List.of(new StatusAt(Duration.ZERO, SERVING)));

    /** A status from an offset since the container started. */
    public record StatusAt(Duration from, String status) {}

    public GrpcHealth {
        statuses = List.copyOf(statuses);
    }

    /**
     * Parses {@code STATUS[@DURATION],...}; status names are case-insensitive.
     *
     * @throws IllegalArgumentException for an unknown status or a malformed duration
     */
    public static GrpcHealth parse(String s) {
        List<StatusAt> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int at = p.indexOf('@');
            String status = (at < 0 ? p : p.substring(0, at)).trim().toUpperCase(Locale.ROOT);
            if (!STATUSES.contains(status)) {
                throw new IllegalArgumentException("unknown gRPC serving status " + status);
            }
            Duration from = at < 0
                    ? Duration.ZERO
                    : Behaviour.parseDuration(p.substring(at + 1).trim());
            out.add(new StatusAt(from, status));
        }
        out.sort((a, b) -> a.from().compareTo(b.from()));
        return new GrpcHealth(out);
    }

    /** The status answered {@code sinceStart} (simulated time) after the container started. */
    public String statusAt(Duration sinceStart) {
        String s = SERVING;
        for (StatusAt st : statuses) {
            if (sinceStart.compareTo(st.from()) >= 0) {
                s = st.status();
            }
        }
        return s;
    }
}
