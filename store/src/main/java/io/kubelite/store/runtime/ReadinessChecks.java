package io.kubelite.store.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Named readiness checks, reported by {@code /readyz} in the style of kube-apiserver
 * ({@code [+]etcd ok}, {@code [-]informers-synced failed}). The process is ready when
 * every check passes.
 *
 * <p>Checks run on the health server's threads each time {@code /readyz} is asked, so
 * they must be cheap and bounded: read a flag, or make one etcd call with a short
 * deadline. A check that throws counts as failed and its message is reported. Thread
 * safe; checks may be added at any time (typically from {@code Component.start}).
 */
public final class ReadinessChecks {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    /** One readiness condition. */
    @FunctionalInterface
    public interface Check {
        /** True when ready. May throw; that counts as not ready. */
        boolean ready() throws Exception;
    }

    /** The outcome of one check: {@code reason} is null when it passed or simply returned false. */
    public record Status(String name, boolean ok, String reason) {}

    /** The outcome of all checks, in registration order. */
    public record Report(List<Status> statuses) {
        public boolean ready() {
            return statuses.stream().allMatch(Status::ok);
        }

        public List<String> failing() {
            return statuses.stream().filter(s -> !s.ok()).map(Status::name).toList();
        }
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();

    /**
     * Adds a check. Names are lowercase words joined by '-' (like {@code informers-synced})
     * and unique; a duplicate throws {@link IllegalArgumentException} because two
     * components silently sharing a name would hide one of them.
     */
    public void add(String name, Check check) {
        Objects.requireNonNull(check, "check");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("readiness check name must match " + NAME + ", got " + name);
        }
        synchronized (checks) {
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("readiness check " + name + " is already registered");
            }
        }
    }

    /** Removes a check, if present. */
    public void remove(String name) {
        synchronized (checks) {
            checks.remove(name);
        }
    }

    /** Runs every check (outside the lock, so a slow check does not block registration). */
    public Report evaluate() {
        List<Map.Entry<String, Check>> snapshot;
        synchronized (checks) {
            snapshot = new ArrayList<>(checks.entrySet());
        }
        List<Status> out = new ArrayList<>(snapshot.size());
        for (Map.Entry<String, Check> e : snapshot) {
            out.add(run(e.getKey(), e.getValue()));
        }
        return new Report(List.copyOf(out));
    }

    private static Status run(String name, Check check) {
        try {
            return new Status(name, check.ready(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(name, false, "interrupted");
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Status(name, false, msg.replaceAll("[\r\n]+", " "));
        }
    }
}
