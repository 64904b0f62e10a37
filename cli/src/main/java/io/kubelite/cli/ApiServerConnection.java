package io.kubelite.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A connection to the API server a kubeconfig names, with its credentials (client
 * certificate or token) and CA, for kubelite programs other than kl that talk to the API
 * server as any client does ({@code kubelite addons}). Built on kl's own client, so it reads
 * kubeconfigs exactly as kl does.
 *
 * <p>Failures are {@link IllegalArgumentException} (a kubeconfig that cannot be used) or
 * {@link IOException} (the server did not answer), each with a one-line message for users.
 */
public final class ApiServerConnection {
    /** An HTTP answer: status code and body. */
    public record Response(int code, String body) {
        public boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final String server;
    private final ApiClient client;

    private ApiServerConnection(String server, ApiClient client) {
        this.server = server;
        this.client = client;
    }

    /** Reads {@code kubeconfig}'s current context. */
    public static ApiServerConnection fromKubeconfig(Path kubeconfig) {
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not exist");
        }
        KubeConfig config;
        try {
            config = KubeConfig.load(kubeconfig.toString(), Map.of());
        } catch (KlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String server = config.server();
        if (server == null || server.isEmpty()) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " names no server in its current context");
        }
        if (!server.startsWith("https://")) {
            return new ApiServerConnection(server, new ApiClient(server, config.token(), null));
        }
        try {
            return new ApiServerConnection(
                    server,
                    new ApiClient(
                            server,
                            config.token(),
                            Tls.context(
                                    config.caPem(),
                                    "true".equals(config.insecure()),
                                    config.certPem(),
                                    config.keyPem())));
        } catch (KlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The server's URL, e.g. {@code https://127.0.0.1:6443}. */
    public String server() {
        return server;
    }

    /** One GET; transport failures (refused, reset, timeout, TLS) are thrown. */
    public Response get(String path) throws IOException {
        try {
            ApiClient.Resp r = client.tryGet(path);
            return new Response(r.code(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** One request with a body of {@code contentType} (null body: none). */
    public Response send(String method, String path, String contentType, String body) throws IOException {
        try {
            ApiClient.Resp r = client.call(method, path, contentType, body);
            return new Response(r.code(), r.body());
        } catch (KlException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
