package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    @Test
    void servesHealthReadinessAndMetrics() throws Exception {
        ReadinessChecks checks = new ReadinessChecks();
        AtomicBoolean synced = new AtomicBoolean();
        checks.add("etcd", () -> true);
        checks.add("informers-synced", synced::get);
        try (ProcessMetrics metrics = new ProcessMetrics();
                HealthServer server = new HealthServer("127.0.0.1", 0, checks, metrics.registry())) {
            server.start();
            server.start(); // idempotent
            int port = server.port();
            assertThat(port).isPositive();

            HttpResponse<String> healthz = Http.get(port, "/healthz");
            assertThat(healthz.statusCode()).isEqualTo(200);
            assertThat(healthz.body()).isEqualTo("ok");

            HttpResponse<String> notReady = Http.get(port, "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body())
                    .contains("[+]etcd ok")
                    .contains("[-]informers-synced failed")
                    .contains("readyz check failed");

            synced.set(true);
            HttpResponse<String> ready = Http.await(port, "/readyz", Duration.ofSeconds(5), r -> r.statusCode() == 200);
            assertThat(ready.body()).isEqualTo("ok");
            assertThat(Http.get(port, "/readyz?verbose").body()).contains("[+]informers-synced ok");

            HttpResponse<String> m = Http.get(port, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(m.body()).containsPattern("(?m)^jvm_memory_used_bytes\\{.*\\} [0-9.eE+-]+$");
            assertThat(m.body()).contains("process_uptime_seconds");

            assertThat(Http.get(port, "/nope").statusCode()).isEqualTo(404);
            assertThat(Http.get(port, "/healthz/extra").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void throwingCheckIsReportedAsFailedWithReason() throws Exception {
        ReadinessChecks checks = new ReadinessChecks();
        checks.add("etcd", () -> {
            throw new IllegalStateException("etcd did not answer\nwithin 2s");
        });
        try (ProcessMetrics metrics = new ProcessMetrics();
                HealthServer server = new HealthServer("127.0.0.1", 0, checks, metrics.registry())) {
            server.start();
            HttpResponse<String> r = Http.get(server.port(), "/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("[-]etcd failed: etcd did not answer within 2s");
        }
    }

    @Test
    void shuttingDownFailsLivenessAndReadiness() throws Exception {
        try (ProcessMetrics metrics = new ProcessMetrics();
                HealthServer server = new HealthServer("127.0.0.1", 0, new ReadinessChecks(), metrics.registry())) {
            server.start();
            assertThat(Http.get(server.port(), "/readyz").statusCode()).isEqualTo(200);
            server.markShuttingDown();
            assertThat(Http.get(server.port(), "/healthz").statusCode()).isEqualTo(503);
            HttpResponse<String> r = Http.get(server.port(), "/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("[-]shutdown failed");
        }
    }

    @Test
    void closeIsIdempotentAndFreesThePort() throws Exception {
        try (ProcessMetrics metrics = new ProcessMetrics()) {
            HealthServer server = new HealthServer("127.0.0.1", 0, new ReadinessChecks(), metrics.registry());
            server.start();
            int port = server.port();
            server.close();
            server.close();
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void headIsAnsweredWithoutBodyAndOtherMethodsAreRejected() throws Exception {
        try (ProcessMetrics metrics = new ProcessMetrics();
                HealthServer server = new HealthServer("127.0.0.1", 0, new ReadinessChecks(), metrics.registry())) {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            URI healthz = URI.create("http://127.0.0.1:" + server.port() + "/healthz");
            HttpResponse<String> head = http.send(
                    HttpRequest.newBuilder(healthz)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(healthz)
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void aSlowReadinessCheckDoesNotHoldUpLiveness() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ReadinessChecks checks = new ReadinessChecks();
        checks.add("slow", () -> {
            release.await();
            return true;
        });
        try (ProcessMetrics metrics = new ProcessMetrics();
                HealthServer server = new HealthServer("127.0.0.1", 0, checks, metrics.registry())) {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> ready = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // the readiness check blocks a worker thread, not the event loop
            assertThat(Http.get(server.port(), "/healthz").statusCode()).isEqualTo(200);
            release.countDown();
            assertThat(ready.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void duplicateOrBadCheckNamesAreRejected() {
        ReadinessChecks checks = new ReadinessChecks();
        checks.add("informers-synced", () -> true);
        assertThatThrownBy(() -> checks.add("informers-synced", () -> true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> checks.add("Bad Name", () -> true)).isInstanceOf(IllegalArgumentException.class);
    }
}
