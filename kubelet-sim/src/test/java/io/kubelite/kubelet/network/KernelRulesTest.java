package io.kubelite.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kubelite.proxy.RuleTrace;
import io.kubelite.store.runtime.RestClientMetrics;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's kernel rules against a stand-in for kube-proxy's rules endpoint: fetched only when
 * asked and at most once per refresh period, a 304 keeps the parsed rules, an outage keeps the
 * last ones, a node never fetched has none.
 */
class KernelRulesTest {
    private static final String RULES_V1 = "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n";
    private static final String RULES_V2 = "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-X - [0:0]\nCOMMIT\n";

    private final AtomicReference<String> rules = new AtomicReference<>(RULES_V1);
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private KernelRules start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/rules/", ex -> {
            String r = rules.get();
            String etag = "\"" + r.hashCode() + "\"";
            String inm = ex.getRequestHeaders().getFirst("If-None-Match");
            requests.add(ex.getRequestURI().getPath() + (inm == null ? "" : " " + inm));
            ex.getResponseHeaders().set("ETag", etag);
            if (etag.equals(inm)) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            byte[] b = r.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        return new KernelRules(
                HttpClient.newHttpClient(),
                RestClientMetrics.of(registry),
                "127.0.0.1:" + server.getAddress().getPort(),
                nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void fetchesOnDemandAtMostOncePerPeriodAndKeepsParsedRulesOn304() throws Exception {
        KernelRules k = start();
        assertThat(requests)
                .as("nothing is fetched before a connection needs it")
                .isEmpty();

        Optional<RuleTrace> first = k.forNode("n1").join();
        assertThat(first).isPresent();
        assertThat(k.forNode("n1").join()).containsSame(first.get());
        assertThat(requests).containsExactly("/rules/n1");

        advance(KernelRules.REFRESH.plusMillis(1));
        assertThat(k.forNode("n1").join()).as("a 304 keeps the parsed rules").containsSame(first.get());
        assertThat(requests).hasSize(2).last().asString().startsWith("/rules/n1 \"");

        rules.set(RULES_V2);
        advance(KernelRules.REFRESH.plusMillis(1));
        Optional<RuleTrace> second = k.forNode("n1").join();
        assertThat(second).isPresent().get().isNotSameAs(first.get());
        assertThat(requests).hasSize(3);
        Poll.until(
                Duration.ofSeconds(5),
                "rest_client_requests_total by code",
                this::requestsByCode,
                m -> m.equals(Map.of("200", 2.0, "304", 1.0)));
    }

    @Test
    void anOutageKeepsTheLastRulesAndANodeNeverFetchedHasNone() throws Exception {
        KernelRules k = start();
        Optional<RuleTrace> last = k.forNode("n1").join();
        server.stop(0);
        server = null;
        for (int i = 0; i < 3; i++) {
            advance(KernelRules.REFRESH.plusMillis(1));
            assertThat(k.forNode("n1").join())
                    .as("kube-proxy gone: the last rules stay")
                    .containsSame(last.get());
        }
        assertThat(k.forNode("n2").join()).as("never fetched: no rules").isEmpty();
        Poll.until(
                Duration.ofSeconds(5),
                "rest_client_requests_total counts requests without a response as <error>",
                this::requestsByCode,
                m -> m.equals(Map.of("200", 1.0, "<error>", 4.0)));
    }

    private Map<String, Double> requestsByCode() {
        Map<String, Double> m = new TreeMap<>();
        for (Counter c : registry.find("rest_client_requests_total").counters()) {
            assertThat(c.getId().getTag("method")).isEqualTo("GET");
            assertThat(c.getId().getTag("host")).startsWith("127.0.0.1:");
            m.merge(c.getId().getTag("code"), c.count(), Double::sum);
        }
        return m;
    }
}
