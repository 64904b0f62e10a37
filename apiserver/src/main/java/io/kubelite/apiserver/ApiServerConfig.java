package io.kubelite.apiserver;

import io.kubelite.apiserver.authorization.AuthorizationMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The API server's own settings (etcd's come from the component runtime's flags).
 *
 * @param bindAddress       address to listen on
 * @param port              port; 0 picks a free one ({@link ApiServer#port()} tells which)
 * @param staticTokens      token → user, from {@code --token-auth-file}
 * @param anonymousAuth     let requests without a token in, as {@code system:anonymous}
 * @param tlsCertFile       PEM certificate; null for plain HTTP
 * @param tlsKeyFile        PEM private key
 * @param clientCaFile      PEM CA bundle for client-certificate authentication; null: none (needs TLS)
 * @param maxInFlight       non-watch requests served at once before 429
 * @param watchCacheSize    history events kept per resource
 * @param bookmarkInterval  how often watchers that asked for bookmarks get one
 * @param eventLoops        HTTP server instances (one event loop each)
 * @param bodyLimit         largest request body accepted (kube-apiserver: 3 MiB)
 * @param runtimeConfig     which built-in group-versions are served ({@code --runtime-config})
 * @param authorizationMode how requests are authorized ({@code --authorization-mode})
 */
public record ApiServerConfig(
        String bindAddress,
        int port,
        Map<String, Auth.User> staticTokens,
        boolean anonymousAuth,
        Path tlsCertFile,
        Path tlsKeyFile,
        Path clientCaFile,
        int maxInFlight,
        int watchCacheSize,
        Duration bookmarkInterval,
        int eventLoops,
        int bodyLimit,
        RuntimeConfig runtimeConfig,
        AuthorizationMode authorizationMode) {
    public static final int DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;

    public ApiServerConfig {
        staticTokens = Map.copyOf(staticTokens);
        Objects.requireNonNull(runtimeConfig);
        Objects.requireNonNull(authorizationMode);
        if (clientCaFile != null && tlsCertFile == null) {
            throw new IllegalArgumentException("a client CA needs TLS: client certificates come with the handshake");
        }
    }

    /**
     * Defaults for tests and embedding: loopback, a free port, anonymous allowed and every
     * request authorized ({@code AlwaysAllow}; {@link #withAuthorization} for RBAC).
     */
    public static ApiServerConfig local() {
        return new ApiServerConfig(
                "127.0.0.1",
                0,
                Map.of(),
                true,
                null,
                null,
                null,
                400,
                10_000,
                Duration.ofSeconds(60),
                2,
                DEFAULT_BODY_LIMIT,
                RuntimeConfig.defaults(),
                AuthorizationMode.ALWAYS_ALLOW);
    }

    public ApiServerConfig withTokens(Map<String, Auth.User> tokens, boolean anonymous) {
        return new ApiServerConfig(
                bindAddress,
                port,
                tokens,
                anonymous,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    public ApiServerConfig withMaxInFlight(int n) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                n,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    public ApiServerConfig withBookmarkInterval(Duration d) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                maxInFlight,
                watchCacheSize,
                d,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    public ApiServerConfig withWatchCacheSize(int n) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                maxInFlight,
                n,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    public ApiServerConfig withTls(Path cert, Path key) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                cert,
                key,
                clientCaFile,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    /** Client-certificate authentication against the CAs of {@code caFile} (TLS must be on). */
    public ApiServerConfig withClientCa(Path caFile) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                caFile,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                authorizationMode);
    }

    /** Serves the built-in group-versions {@code c} enables ({@code --runtime-config}). */
    public ApiServerConfig withRuntimeConfig(RuntimeConfig c) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                c,
                authorizationMode);
    }

    /** Authorizes requests by {@code mode} ({@code --authorization-mode}). */
    public ApiServerConfig withAuthorization(AuthorizationMode mode) {
        return new ApiServerConfig(
                bindAddress,
                port,
                staticTokens,
                anonymousAuth,
                tlsCertFile,
                tlsKeyFile,
                clientCaFile,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                bodyLimit,
                runtimeConfig,
                mode);
    }
}
