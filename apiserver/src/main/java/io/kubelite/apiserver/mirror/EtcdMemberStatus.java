package io.kubelite.apiserver.mirror;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Health;
import io.kubelite.apiserver.mirror.EtcdMemberPod.Member;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Asks etcd members for their {@code Status} (jetcd's {@code Maintenance.statusMember}, one
 * fresh connection to the member's first client URL per question), all at once, and waits
 * at most the timeout (and a little grace) for the answers: one slow or dead member costs the
 * others nothing. A failure is described by a stable text (its gRPC code), since it is written
 * into the pod and must not change from one refresh to the next.
 *
 * <p>The calls go through a jetcd client of its own, whose calls carry a gRPC deadline of the
 * timeout and do not wait for a connection to become ready: the shared client waits for
 * ready without a deadline, so a status call to a dead member would stay open (with its
 * connection retrying) until the member came back. Here a killed member fails at once
 * ({@code UNAVAILABLE}), a paused or unreachable one at the deadline, and every call's
 * connection is closed when the call ends.
 *
 * <p>Not thread-safe: one caller (the mirror pod publisher's thread). It blocks only that
 * caller; the answers complete on jetcd's threads, which only record them.
 */
final class EtcdMemberStatus implements AutoCloseable {
    private static final Duration GRACE = Duration.ofMillis(250);

    private final Duration timeout;
    private final Function<String, CompletableFuture<StatusResponse>> ask;
    private final AutoCloseable client;
    // the version each member last reported, so that a member that stops answering keeps its image
    private final Map<Long, String> versions = new HashMap<>();

    /**
     * @param endpoints the cluster's client endpoints (jetcd's client needs one; the calls go
     *                  to each member's own URL)
     */
    static EtcdMemberStatus connect(List<String> endpoints, Duration timeout) {
        Client client = Client.builder()
                .endpoints(endpoints.stream()
                        .map(e -> e.contains("://") ? e.trim() : "http://" + e.trim())
                        .toArray(String[]::new))
                .waitForReady(false)
                .connectTimeout(timeout)
                .interceptor(new DeadlineInterceptor(timeout))
                .build();
        return new EtcdMemberStatus(
                timeout, target -> client.getMaintenanceClient().statusMember(target), client);
    }

    /** For tests: {@code ask} answers a member's client URL; {@code client} is closed by {@link #close()}. */
    EtcdMemberStatus(Duration timeout, Function<String, CompletableFuture<StatusResponse>> ask, AutoCloseable client) {
        this.timeout = timeout;
        this.ask = ask;
        this.client = client;
    }

    Duration timeout() {
        return timeout;
    }

    /** Each member's health by ID, within about the timeout. */
    Map<Long, Health> check(List<Member> members) throws InterruptedException {
        versions.keySet().retainAll(members.stream().map(Member::id).toList());
        Map<Long, CompletableFuture<StatusResponse>> asked = new LinkedHashMap<>();
        for (Member m : members) {
            if (m.started()) {
                asked.put(m.id(), start(m.clientUrls().get(0).toString()));
            }
        }
        try {
            // a little past the calls' own deadline, so that a silent member is normally
            // reported by its call's DEADLINE_EXCEEDED; either way the text is the same
            CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // some failed or are late: judged one by one below
        }
        Map<Long, Health> out = new LinkedHashMap<>();
        for (Member m : members) {
            CompletableFuture<StatusResponse> f = asked.get(m.id());
            out.put(m.id(), f == null ? Health.notReady("member has not started", null) : judge(m, f));
        }
        return out;
    }

    private CompletableFuture<StatusResponse> start(String target) {
        try {
            return ask.apply(target);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Health judge(Member m, CompletableFuture<StatusResponse> f) {
        String silent = "no answer to Status within " + seconds(timeout);
        if (!f.isDone()) {
            // the call itself ends at its gRPC deadline
            return Health.notReady(silent, versions.get(m.id()));
        }
        StatusResponse s;
        try {
            s = f.getNow(null);
        } catch (RuntimeException e) {
            String why = describe(e);
            return Health.notReady(
                    why.equals("DEADLINE_EXCEEDED") ? silent : "Status failed: " + why, versions.get(m.id()));
        }
        if (!s.getVersion().isEmpty()) {
            versions.put(m.id(), s.getVersion());
        }
        String version = versions.get(m.id());
        if (!s.getErrorList().isEmpty()) {
            return Health.notReady("member reports errors: " + String.join("; ", s.getErrorList()), version);
        }
        if (s.getLeader() == 0) {
            return Health.notReady("member has no raft leader", version);
        }
        return Health.ready(version, s.getLeader() == m.id());
    }

    /** A failure as a stable short text (a gRPC status code, not its changing description). */
    static String describe(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StatusRuntimeException sre) {
                return sre.getStatus().getCode().name();
            }
            if (t instanceof StatusException se) {
                return se.getStatus().getCode().name();
            }
            if (t instanceof EtcdException ee) {
                return ee.getErrorCode().name();
            }
        }
        Throwable root = err;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // best effort: its calls end by their deadline anyway
        }
    }

    /** Gives every call of the status client a deadline (jetcd has no per-call deadline). */
    private static final class DeadlineInterceptor implements ClientInterceptor {
        private final long millis;

        DeadlineInterceptor(Duration timeout) {
            this.millis = timeout.toMillis();
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withDeadlineAfter(millis, TimeUnit.MILLISECONDS));
        }
    }
}
