package io.kubelite.store.runtime;

import io.etcd.jetcd.options.GetOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdAccessProblem;
import io.kubelite.store.EtcdTlsCheck;
import io.kubelite.store.backoff.Backoff;
import io.kubelite.store.backoff.ExponentialBackoff;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether etcd answers: one cheap round trip (a count-only get under the prefix's
 * {@code _kubelite} area) with a deadline, used to wait for etcd at start-up and as the
 * {@code etcd} readiness check. Stateless apart from the connection it probes.
 */
final class EtcdStartupProbe {
    private static final Logger log = LoggerFactory.getLogger(EtcdStartupProbe.class);
    private static final Duration READINESS_DEADLINE = Duration.ofSeconds(2);
    private static final ExponentialBackoff RETRY =
            new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    private final Etcd etcd;
    private final CommonOptions options;
    private final String displayName;

    EtcdStartupProbe(Etcd etcd, CommonOptions options, String displayName) {
        this.etcd = etcd;
        this.options = options;
        this.displayName = displayName;
    }

    /**
     * Waits up to {@code --etcd-startup-timeout} for etcd to answer. Returns true when it
     * answered, false when {@code stop} was counted down first (a SIGTERM ends the wait at
     * once); throws when the time is up, with the one line a user needs.
     */
    boolean await(CountDownLatch stop) throws StartupException {
        Duration timeout = options.etcdStartupTimeout();
        String endpoints = String.join(",", options.etcdEndpoints());
        log.info("{} waiting up to {} for etcd at {}", displayName, DurationConverter.format(timeout), endpoints);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Backoff backoff = Backoff.of(RETRY);
        Throwable last = null;
        boolean tlsChecked = false;
        for (long remaining = deadline - start; remaining > 0; remaining = deadline - System.nanoTime()) {
            try {
                probe(min(options.etcdRequestTimeout(), Duration.ofNanos(remaining)));
                log.info(
                        "{} etcd at {} answered after {}",
                        displayName,
                        endpoints,
                        DurationConverter.format(Duration.ofMillis((System.nanoTime() - start) / 1_000_000)));
                return true;
            } catch (Exception e) {
                Optional<String> refused = EtcdAccessProblem.of(e);
                if (refused.isPresent()) {
                    throw new StartupException(
                            displayName + ": etcd at " + endpoints + " refused this client: " + refused.get(), e);
                }
                // gRPC retries a refused TLS handshake until the deadline and reports only that: ask TLS itself
                if (etcd.config().tls() != null && !tlsChecked) {
                    tlsChecked = true;
                    Optional<String> tls = EtcdTlsCheck.diagnose(
                            etcd.config().tls(), etcd.config().endpoints().get(0));
                    if (tls.isPresent()) {
                        throw new StartupException(
                                displayName + ": etcd at " + endpoints + " refused this client: " + tls.get(), e);
                    }
                }
                last = e;
                log.debug("etcd at {} did not answer: {}", endpoints, Failures.oneLine(e));
            }
            long wait = Math.min(backoff.next().toNanos(), Math.max(0, deadline - System.nanoTime()));
            try {
                if (stop.await(wait, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(displayName + ": interrupted while waiting for etcd", e);
            }
        }
        throw new StartupException(
                displayName + ": etcd at " + endpoints + " did not answer within " + DurationConverter.format(timeout)
                        + "; start etcd or set --etcd-endpoints / ETCD_ENDPOINTS",
                last);
    }

    /** The readiness check: true when etcd answered within a short deadline. */
    boolean answers() throws Exception {
        if (etcd.isClosed()) {
            return false;
        }
        probe(min(options.etcdRequestTimeout(), READINESS_DEADLINE));
        return true;
    }

    private void probe(Duration deadline) throws Exception {
        String key = etcd.prefix() + "/_kubelite/ping";
        etcd.call(
                        key,
                        deadline,
                        () -> etcd.client()
                                .getKVClient()
                                .get(
                                        Etcd.bytes(key),
                                        GetOption.builder().withCountOnly(true).build()))
                // The call is already bounded; the outer bound only guards against a future that never completes.
                .get(deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
