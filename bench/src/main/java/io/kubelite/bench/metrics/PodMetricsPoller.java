package io.kubelite.bench.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Reads metrics-server's {@code GET /apis/metrics.k8s.io/v1beta1/pods} directly over HTTPS on
 * loopback, trusting any certificate (the server makes a self-signed one at start), and turns
 * each PodMetrics' {@code timestamp} (the kubelet's sample time) into a staleness: the wall-clock
 * time the answer arrived minus that timestamp. The timestamps are whole seconds (kube's
 * {@code metav1.Time}), so every staleness is overstated by the sample's lost fraction of a
 * second (0–1 s, 0.5 s on average).
 */
final class PodMetricsPoller {
    /** One read: how many pods it listed, how long the request took, each pod's staleness in ms. */
    record Read(int pods, long requestNanos, long[] stalenessMillis) {}

    private final HttpClient http;
    private final URI uri;
    private final JsonFactory json = new JsonFactory();

    PodMetricsPoller(int securePort) throws GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.uri = URI.create("https://127.0.0.1:" + securePort + "/apis/metrics.k8s.io/v1beta1/pods");
    }

    /** Lists every pod's metrics once. */
    Read read() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        long readAt = System.currentTimeMillis();
        long took = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            throw new IOException("metrics API answered " + r.statusCode());
        }
        long[] stale = new long[1024];
        int n = 0;
        try (JsonParser p = json.createParser(r.body())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                // "timestamp" is a PodMetrics' own field; metadata has "creationTimestamp"
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("timestamp")) {
                    p.nextToken();
                    if (n == stale.length) {
                        stale = Arrays.copyOf(stale, n * 2);
                    }
                    stale[n++] = readAt - Instant.parse(p.getText()).toEpochMilli();
                }
            }
        }
        return new Read(n, took, Arrays.copyOf(stale, n));
    }

    /** Trusts every certificate and host: the benchmark talks only to its own loopback server. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
