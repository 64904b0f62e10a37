package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A thin HTTP client for the API server that turns Status errors into kubectl's messages. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String server;
    private final String token;
    private final HttpClient http;

    /** {@code tls}: the context for an https server (null: the JDK's default trust). */
    ApiClient(String server, String token, javax.net.ssl.SSLContext tls) {
        this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token;
        // HTTP/1.1: one connection per watch stream. Over HTTP/2 (h2c, which the JDK client tries by
        // default) every request shares one connection, and the JDK sends no pings, so a frozen
        // server's connection would carry every re-watch into the same silence for good.
        HttpClient.Builder b =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    /** A response; {@code json()} parses the body. */
    record Resp(int code, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new KlException("error: the server returned invalid JSON: " + e.getMessage());
            }
        }

        boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    Resp call(String method, String path, String contentType, String body) {
        return call(method, path, contentType, body, Map.of());
    }

    /** As {@link #call(String, String, String, String)} with extra request headers. */
    Resp call(String method, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw unreachable();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailure(e);
        } catch (java.io.IOException e) {
            throw new KlException("error: " + server + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KlException("error: interrupted");
        }
    }

    KlException unreachable() {
        URI u = URI.create(server);
        return new KlException("The connection to the server " + u.getHost() + ":" + u.getPort()
                + " was refused - did you specify the right host or port?");
    }

    /** kubectl: {@code Unable to connect to the server: tls: failed to verify certificate: ...}. */
    KlException tlsFailure(javax.net.ssl.SSLException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new KlException("Unable to connect to the server: tls: failed to verify certificate: "
                + root.getMessage() + " (give the CA with --certificate-authority or the kubeconfig's "
                + "certificate-authority-data)");
    }

    InputStream stream(String path) {
        try {
            HttpResponse<InputStream> r = open(path, Duration.ofSeconds(60));
            if (r.statusCode() != 200) {
                throw error(new Resp(r.statusCode(), drain(r.body())));
            }
            return r.body();
        } catch (ConnectException e) {
            throw unreachable();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailure(e);
        } catch (java.io.IOException e) {
            throw new KlException("error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KlException("error: interrupted");
        }
    }

    /**
     * Opens a streaming GET and returns the response whatever its status; transport failures
     * are thrown as they are, for a caller that retries them (the watch of {@code get -w}).
     * {@code headerTimeout} bounds the wait for the response's headers (a server that accepts
     * the connection and then says nothing; zero: no bound); the body may stream for as long
     * as it likes.
     */
    HttpResponse<InputStream> open(String path, Duration headerTimeout)
            throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path));
        if (!headerTimeout.isZero()) {
            b.timeout(headerTimeout);
        }
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Opens a WebSocket to {@code path} on the server ({@code ws://} or {@code wss://} with the
     * same TLS context and bearer token as every request); the future fails with the JDK's
     * {@link java.net.http.WebSocketHandshakeException} when the server answers without upgrading.
     */
    java.util.concurrent.CompletableFuture<java.net.http.WebSocket> webSocket(
            String path, java.net.http.WebSocket.Listener listener) {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        String ws = server.startsWith("https://") ? "wss://" + server.substring(8) : "ws://" + server.substring(7);
        return b.buildAsync(URI.create(ws + path), listener);
    }

    /** A GET whose transport failures are thrown as they are, for a caller that retries them. */
    Resp tryGet(String path) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path))
                .timeout(Duration.ofSeconds(60))
                .GET();
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body());
    }

    /** The rest of an error response's body (a Status), or "" when the connection broke meanwhile. */
    static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** True when {@code e} is the server's certificate failing verification (retrying cannot help). */
    static boolean isCertificateFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    Resp get(String path) {
        return call("GET", path, null, null);
    }

    /** GET that must succeed. */
    JsonNode getOk(String path) {
        Resp r = get(path);
        if (!r.ok()) {
            throw error(r);
        }
        return r.json();
    }

    /** kubectl's one-line rendering of a failed request. */
    static KlException error(Resp r) {
        String reason = "";
        String message = r.body();
        try {
            JsonNode s = JSON.readTree(r.body());
            if ("Status".equals(s.path("kind").asText())) {
                reason = s.path("reason").asText("");
                message = s.path("message").asText("");
            }
        } catch (Exception ignored) {
            // not a Status: print the body
        }
        if (r.code() == 401) {
            return new KlException("error: You must be logged in to the server (Unauthorized)");
        }
        return new KlException("Error from server" + (reason.isEmpty() ? "" : " (" + reason + ")") + ": " + message);
    }
}
