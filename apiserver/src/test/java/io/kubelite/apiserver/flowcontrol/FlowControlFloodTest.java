package io.kubelite.apiserver.flowcontrol;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One noisy client cannot starve another (issue #20): with 4 seats, user "noisy" keeps 128
 * LISTs of 150 ConfigMaps in flight without pause while user "quiet" GETs one
 * ConfigMap at a time; quiet's p99 must stay responsive and quiet must never see a 429. Both
 * are ordinary users (not {@code system:masters}, which would be exempt). Without fair queuing
 * (one FIFO for everybody) quiet's GET waits behind noisy's whole queue and this test fails.
 */
class FlowControlFloodTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final int SEATS = 4;
    /** noisy's requests in flight: all fit in its queue, so every one waits its turn rather than being refused. */
    private static final int NOISY_CONCURRENCY = 128;

    private static final int QUEUE_LENGTH_PER_FLOW = 128;
    private static final int CONFIG_MAPS = 150;
    private static final int QUIET_GETS = 200;
    /**
     * Responsive to a person, and far from what starvation looks like: with one FIFO for everybody
     * quiet's p50 is ~0.9 s and its p99 ~1.6 s on a quiet 2-core machine. Fair queuing gives ~100
     * ms on a quiet machine and up to ~300 ms with every CPU busy (e2e/stress.sh), where the p99
     * of 200 samples is the CPU scheduler's as much as the server's.
     */
    private static final Duration QUIET_P99_TARGET = Duration.ofMillis(500);

    private static final Duration QUIET_PHASE = Duration.ofSeconds(8);
    private static final String LIST = "/api/v1/namespaces/default/configmaps";
    private static final String TARGET = LIST + "/quiet-target";

    /** HTTP/1.1: a connection per request in flight (h2c would multiplex them, up to the server's stream limit). */
    private final HttpClient noisyHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4))
            .build();

    private final HttpClient quietHttp = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void aFloodingUserDoesNotStarveAQuietOne() throws Exception {
        ApiServerConfig config = ApiServerConfig.local()
                .withTokens(
                        Map.of(
                                "noisy-token", new Auth.User("noisy", List.of("system:authenticated"), null),
                                "quiet-token", new Auth.User("quiet", List.of("system:authenticated"), null)),
                        false)
                .withMaxInFlight(SEATS)
                .withFlowControl(new FlowControlConfig(QUEUE_LENGTH_PER_FLOW, Duration.ofSeconds(15)));
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), config)) {
            seed(api);
            Latencies baseline = quietGets(api);
            assertThat(baseline.tooMany).as("quiet alone: no 429").isZero();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong noisyOk = new AtomicLong();
            AtomicLong noisyTooMany = new AtomicLong();
            AtomicLong noisyOther = new AtomicLong();
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            long floodStart = System.nanoTime();
            for (int i = 0; i < NOISY_CONCURRENCY; i++) {
                loops.add(noisyLoop(api, stop, noisyOk, noisyTooMany, noisyOther));
            }
            Latencies flooded;
            double queuedSeen;
            try {
                queuedSeen = awaitQueue(api);
                awaitWarm(noisyOk);
                flooded = quietGets(api);
            } finally {
                stop.set(true);
            }
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            double floodSecs = (System.nanoTime() - floodStart) / 1e9;

            String seen = String.format(
                    "quiet alone: p50 %.1f ms, p99 %.1f ms; quiet under flood: %d GETs, p50 %.1f ms, p99 %.1f ms,"
                            + " 429s %d, other errors %d; noisy: %d LISTs in %.1f s (%.0f/s), %d 429s, %d other,"
                            + " %.0f queued when quiet began; target p99 <= %d ms",
                    baseline.p(50),
                    baseline.p(99),
                    flooded.n,
                    flooded.p(50),
                    flooded.p(99),
                    flooded.tooMany,
                    flooded.other,
                    noisyOk.get(),
                    floodSecs,
                    noisyOk.get() / floodSecs,
                    noisyTooMany.get(),
                    noisyOther.get(),
                    queuedSeen,
                    QUIET_P99_TARGET.toMillis());
            System.out.println("FlowControlFloodTest: " + seen);
            assertThat(queuedSeen)
                    .as("the flood filled noisy's queue: " + seen)
                    .isGreaterThanOrEqualTo(NOISY_CONCURRENCY / 2.0);
            assertThat(flooded.tooMany).as("quiet got no 429: " + seen).isZero();
            assertThat(flooded.other).as("quiet got no errors: " + seen).isZero();
            assertThat(flooded.p(99)).as("quiet's p99 under the flood: " + seen).isLessThanOrEqualTo((double)
                    QUIET_P99_TARGET.toMillis());
        }
    }

    /** {@value #CONFIG_MAPS} ConfigMaps of ~½ KiB each for noisy to LIST, and quiet's target. */
    private void seed(TestApiServer api) throws Exception {
        String data = "x".repeat(512);
        List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
        for (int i = 0; i < CONFIG_MAPS; i++) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i
                    + "\"},\"data\":{\"blob\":\"" + data + "\"}}";
            creates.add(noisyHttp.sendAsync(
                    request(api, LIST, "quiet-token")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (creates.size() == 16) { // within quiet's own queue
                awaitCreated(creates);
            }
        }
        awaitCreated(creates);
        HttpResponse<String> target = send(
                quietHttp,
                request(api, LIST, "quiet-token")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                                + "\"metadata\":{\"name\":\"quiet-target\"},\"data\":{\"k\":\"v\"}}"))
                        .build());
        assertThat(target.statusCode()).as(target.body()).isEqualTo(201);
        assertThat(target.headers().firstValue(PriorityLevel.PRIORITY_LEVEL_UID_HEADER))
                .as("kube's priority-level header")
                .contains(PriorityLevel.GLOBAL_DEFAULT.levelUid());
        assertThat(target.headers().firstValue(PriorityLevel.FLOW_SCHEMA_UID_HEADER))
                .as("kube's flow-schema header")
                .contains(PriorityLevel.GLOBAL_DEFAULT.flowSchemaUid());
    }

    private static void awaitCreated(List<CompletableFuture<HttpResponse<String>>> creates) throws Exception {
        for (CompletableFuture<HttpResponse<String>> f : creates) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        creates.clear();
    }

    /** One of noisy's loops: a LIST, and the next as soon as it is answered (a 429 included: no backing off). */
    private CompletableFuture<Void> noisyLoop(
            TestApiServer api, AtomicBoolean stop, AtomicLong ok, AtomicLong tooMany, AtomicLong other) {
        if (stop.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return noisyHttp
                // its answers are read and dropped: the test's own CPU goes to the server, not to decoding
                .sendAsync(request(api, LIST, "noisy-token").GET().build(), HttpResponse.BodyHandlers.discarding())
                .handle((r, err) -> {
                    if (err == null && r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (err == null && r.statusCode() == 429) {
                        tooMany.incrementAndGet();
                    } else if (other.incrementAndGet() <= 3) {
                        System.out.println("FlowControlFloodTest: noisy got "
                                + (err != null ? err.toString() : Integer.toString(r.statusCode())));
                    }
                    return null;
                })
                .thenCompose(v -> noisyLoop(api, stop, ok, tooMany, other));
    }

    /** Waits until half of noisy's requests are queued (read from /metrics); returns how many were. */
    private double awaitQueue(TestApiServer api) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double queued = 0;
        while (System.nanoTime() < deadline) {
            queued = Math.max(queued, inQueue(api));
            if (queued >= NOISY_CONCURRENCY / 2) {
                return queued;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, with a deadline
        }
        return queued;
    }

    /** Waits until noisy has had 100 LISTs answered: the server's LIST path is compiled, as in a long flood. */
    private static void awaitWarm(AtomicLong noisyOk) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (noisyOk.get() < 100 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // polling interval, with a deadline
        }
    }

    private static final Pattern IN_QUEUE = Pattern.compile(
            "(?m)^apiserver_flowcontrol_current_inqueue_requests\\{[^}]*priority_level=\"global-default\"[^}]*} (\\S+)$");

    private double inQueue(TestApiServer api) throws Exception {
        HttpResponse<String> r =
                send(quietHttp, request(api, "/metrics", "quiet-token").GET().build());
        Matcher m = IN_QUEUE.matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Quiet's {@value #QUIET_GETS} sequential GETs of one ConfigMap, or as many as fit in {@link
     * #QUIET_PHASE} (starved, they would take minutes: the p99 then tells).
     */
    private Latencies quietGets(TestApiServer api) throws Exception {
        Latencies l = new Latencies(QUIET_GETS);
        long deadline = System.nanoTime() + QUIET_PHASE.toNanos();
        for (int i = 0; i < QUIET_GETS && System.nanoTime() < deadline; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r =
                    send(quietHttp, request(api, TARGET, "quiet-token").GET().build());
            l.add((System.nanoTime() - t0) / 1e6, r.statusCode());
        }
        return l;
    }

    private static HttpRequest.Builder request(TestApiServer api, String path, String token) {
        return HttpRequest.newBuilder(URI.create(api.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest req) throws Exception {
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** Request latencies in ms, and the answers that were not 200. */
    private static final class Latencies {
        private final double[] ms;
        private int n;
        int tooMany;
        int other;

        Latencies(int size) {
            ms = new double[size];
        }

        void add(double millis, int code) {
            ms[n++] = millis;
            if (code == 429) {
                tooMany++;
            } else if (code != 200) {
                other++;
            }
        }

        double p(int percentile) {
            double[] sorted = Arrays.copyOf(ms, n);
            Arrays.sort(sorted);
            int i = (int) Math.ceil(percentile / 100.0 * n) - 1;
            return sorted[Math.max(0, i)];
        }
    }
}
