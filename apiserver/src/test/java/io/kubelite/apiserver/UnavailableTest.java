package io.kubelite.apiserver;

import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.testing.FreePorts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With etcd unreachable, reads and writes answer 503 ServiceUnavailable, never a trace. */
class UnavailableTest {
    @Test
    void etcdDownIs503() throws Exception {
        EtcdConfig cfg = new EtcdConfig(List.of("127.0.0.1:" + FreePorts.next()), "/x", Duration.ofMillis(800));
        try (Etcd etcd = Etcd.connect(cfg)) {
            ApiServer s = new ApiServer(ApiServerConfig.local());
            s.start(new ComponentContext("apiserver", "t", etcd, new CommonOptions(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new ReadinessChecks(), (r, c) -> { }));
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url()
                        + "/api/v1/namespaces/default/pods/x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(503);
                var st = TestApiServer.JSON.readTree(r.body());
                assertThat(st.path("reason").asText()).isEqualTo("ServiceUnavailable");
                assertThat(r.body()).doesNotContain("\tat ");
                HttpResponse<String> w = http.send(HttpRequest.newBuilder(URI.create(s.url()
                                + "/api/v1/nodes")).POST(HttpRequest.BodyPublishers.ofString(TestApiServer.node("n")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(w.statusCode()).isEqualTo(503);
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(500);
            } finally {
                s.close();
            }
        }
    }
}
