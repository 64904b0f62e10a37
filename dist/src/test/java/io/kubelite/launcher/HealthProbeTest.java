package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
    @Test
    void exitsZeroOnlyOn200() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/readyz", ex -> respond(ex, 200, "ok"));
        server.createContext("/notready", ex -> respond(ex, 503, "[-]etcd failed"));
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(HealthProbe.probe(base + "/readyz")).isZero();
            assertThat(HealthProbe.probe(base + "/notready")).isEqualTo(1);
            // the full launcher has the same command as the image's script
            assertThat(new picocli.CommandLine(new KubeliteMain()).execute("probe", base + "/readyz"))
                    .isZero();
            assertThat(new picocli.CommandLine(new KubeliteMain()).execute("probe", base + "/notready"))
                    .isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void exitsOneWhenNothingListensOrTheUrlIsBad() {
        assertThat(HealthProbe.probe("http://127.0.0.1:1/readyz")).isEqualTo(1);
        assertThat(HealthProbe.probe("not a url")).isEqualTo(1);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int code, String body)
            throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
