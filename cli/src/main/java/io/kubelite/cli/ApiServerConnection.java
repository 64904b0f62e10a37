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
    private final javax.net.ssl.SSLContext serverTrust; // the kubeconfig's CA only, no client certificate

    private ApiServerConnection(String server, ApiClient client, javax.net.ssl.SSLContext serverTrust) {
        this.server = server;
        this.client = client;
        this.serverTrust = serverTrust;
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
            return new ApiServerConnection(server, new ApiClient(server, config.token(), null), null);
        }
        try {
            boolean insecure = "true".equals(config.insecure());
            return new ApiServerConnection(
                    server,
                    new ApiClient(
                            server,
                            config.token(),
                            Tls.context(config.caPem(), insecure, config.certPem(), config.keyPem())),
                    Tls.context(config.caPem(), insecure));
        } catch (KlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The server's URL, e.g. {@code https://127.0.0.1:6443}. */
    public String server() {
        return server;
    }

    /**
     * A connection to the same server, trusting the same CA, that proves who it is with {@code
     * token} alone (no client certificate): for a program acting for a user who signed in with a
     * bearer token (the dashboard), so that the API server authenticates and authorizes that user.
     */
    public ApiServerConnection withBearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an empty bearer token");
        }
        return new ApiServerConnection(server, new ApiClient(server, token, serverTrust), serverTrust);
    }

    /**
     * Opens a streaming GET (a watch) and returns the response whatever its status; the caller
     * reads and closes the body. {@code headerTimeout} bounds the wait for the response's headers
     * (zero: no bound); the body may stream for as long as the server keeps it open.
     */
    public java.net.http.HttpResponse<java.io.InputStream> openStream(String path, java.time.Duration headerTimeout)
            throws IOException, InterruptedException {
        return client.open(path, headerTimeout);
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
