package io.kubelite.apiserver.aggregation;

import com.google.protobuf.ByteString;
import io.kubelite.api.APIService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTPS client per APIService, trusting what its spec says, as kube-aggregator's proxy
 * transport does: the {@code caBundle}'s certificates (the server name checked is the Service's
 * {@code <name>.<namespace>.svc}), or anything when {@code insecureSkipTLSVerify}; with neither,
 * the JVM's trust roots. A client is rebuilt when those fields change and closed when its APIService
 * goes. Thread-safe.
 */
final class BackendClients implements AutoCloseable {
    private record Held(boolean insecure, ByteString caBundle, HttpClient client) {}

    private final Vertx vertx;
    private final Map<String, Held> clients = new ConcurrentHashMap<>();

    BackendClients(Vertx vertx) {
        this.vertx = vertx;
    }

    HttpClient client(APIService a) {
        boolean insecure = a.getSpec().getInsecureSkipTlsVerify();
        ByteString ca = a.getSpec().getCaBundle();
        Held h = clients.compute(a.getMetadata().getName(), (name, old) -> {
            if (old != null && old.insecure() == insecure && old.caBundle().equals(ca)) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            return new Held(insecure, ca, vertx.createHttpClient(options(insecure, ca)));
        });
        return h.client();
    }

    /** Drops the clients of APIServices that are gone. */
    void retain(java.util.Set<String> names) {
        clients.keySet().removeIf(name -> {
            if (names.contains(name)) {
                return false;
            }
            Held h = clients.get(name);
            if (h != null) {
                h.client().close();
            }
            return true;
        });
    }

    /** The server name a backend's certificate is checked against: kube's {@code <service>.<namespace>.svc}. */
    static String serverName(APIService a) {
        return a.getSpec().getService().getName() + "."
                + a.getSpec().getService().getNamespace() + ".svc";
    }

    private static HttpClientOptions options(boolean insecure, ByteString ca) {
        HttpClientOptions o = new HttpClientOptions()
                .setSsl(true)
                .setForceSni(true)
                .setConnectTimeout(5_000)
                // watches through the proxy stay open as long as the client wants
                .setIdleTimeout(0)
                .setKeepAlive(true);
        if (insecure) {
            o.setTrustAll(true).setVerifyHost(false);
        } else {
            o.setVerifyHost(true);
            if (!ca.isEmpty()) {
                o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.toByteArray())));
            }
        }
        return o;
    }

    @Override
    public void close() {
        clients.values().forEach(h -> h.client().close());
        clients.clear();
    }
}
