package io.kubelite.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /rules/NODE} is validated by an ETag: unchanged rules cost a 304, changed ones a new body. */
class RulesServerEtagTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void unchangedRulesAre304AndAChangeIsANewEtag() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (var etcd = ETCD.connect(ETCD.newPrefix());
                var informers = new SharedInformerFactory(ListerWatchers.etcd(new Store(etcd)));
                var state = new ProxyState(
                        informers,
                        Set.of("node1"),
                        Optional.empty(),
                        Duration.ofMillis(20),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC());
                var server = new RulesServer("127.0.0.1", 0, state)) {
            informers.start();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/rules/node1");
            HttpResponse<String> first = Poll.until(
                    Duration.ofSeconds(15),
                    "node1's rules",
                    () -> send(http, HttpRequest.newBuilder(uri).build()),
                    r -> r.statusCode() == 200);
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).startsWith("\"").endsWith("\"");

            HttpResponse<String> same = send(
                    http,
                    HttpRequest.newBuilder(uri).header("If-None-Match", etag).build());
            assertThat(same.statusCode()).isEqualTo(304);
            assertThat(same.body()).isEmpty();

            new Store(etcd)
                    .of(io.kubelite.kinds.core.service.ServiceKind.RESOURCE)
                    .create(Fixtures.service("ns1", "svc1", "172.30.0.41", 80, 0, s -> s))
                    .get();
            HttpResponse<String> changed = Poll.until(
                    Duration.ofSeconds(15),
                    "a new body once svc1 is programmed",
                    () -> send(
                            http,
                            HttpRequest.newBuilder(uri)
                                    .header("If-None-Match", etag)
                                    .build()),
                    r -> r.statusCode() == 200);
            assertThat(changed.body()).contains("ns1/svc1");
            assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
