package io.kubelite.apiserver;

import io.kubelite.apiserver.authorization.AuthorizationMode;
import io.kubelite.apiserver.flowcontrol.FlowControlConfig;
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
 * @param maxInFlight       seats: non-long-running requests served at once (others wait, fairly by user)
 * @param watchCacheSize    most history events kept per resource (within kube's 75 s window)
 * @param bookmarkInterval  how often watchers that asked for bookmarks get one
 * @param eventLoops        HTTP server instances (one event loop each)
 * @param bodyLimit         largest request body accepted (kube-apiserver: 3 MiB)
 * @param runtimeConfig     which built-in group-versions are served ({@code --runtime-config})
 * @param authorizationMode how requests are authorized ({@code --authorization-mode})
 * @param maxWatchesPerUser watches one user may have open at once before 429; 0: no limit
 *                          ({@code --max-watches-per-user}, see {@link WatchQuota})
 * @param flowControl       how requests wait for a seat ({@code --flowcontrol-*})
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
        AuthorizationMode authorizationMode,
        int maxWatchesPerUser,
        FlowControlConfig flowControl) {
    public static final int DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;
    /**
     * Far above what an informer-heavy client opens (kube-controller-manager follows about 40
     * resource types, one watch each), low enough that one user cannot hold thousands of
     * watch buffers.
     */
    public static final int DEFAULT_MAX_WATCHES_PER_USER = 200;

    public ApiServerConfig {
        staticTokens = Map.copyOf(staticTokens);
        Objects.requireNonNull(runtimeConfig);
        Objects.requireNonNull(authorizationMode);
        Objects.requireNonNull(flowControl);
        if (maxWatchesPerUser < 0) {
            throw new IllegalArgumentException(
                    "maxWatchesPerUser must be 0 (no limit) or more, got " + maxWatchesPerUser);
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("max requests in flight must be ≥ 0, got " + maxInFlight);
        }
        if (clientCaFile != null && tlsCertFile == null) {
            throw new IllegalArgumentException("a client CA needs TLS: client certificates come with the handshake");
        }
    }

    /**
     * Defaults for tests and embedding: loopback, a free port, anonymous allowed and every
     * request authorized ({@code AlwaysAllow}; {@link #withAuthorization} for RBAC).
     */
    public static ApiServerConfig local() {
        return new Builder().build();
    }

    /** A builder holding this config's settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ApiServerConfig withTokens(Map<String, Auth.User> tokens, boolean anonymous) {
        return toBuilder().staticTokens(tokens).anonymousAuth(anonymous).build();
    }

    public ApiServerConfig withMaxInFlight(int n) {
        return toBuilder().maxInFlight(n).build();
    }

    /** Requests wait for a seat as {@code c} says. */
    public ApiServerConfig withFlowControl(FlowControlConfig c) {
        return toBuilder().flowControl(c).build();
    }

    public ApiServerConfig withBookmarkInterval(Duration d) {
        return toBuilder().bookmarkInterval(d).build();
    }

    public ApiServerConfig withWatchCacheSize(int n) {
        return toBuilder().watchCacheSize(n).build();
    }

    public ApiServerConfig withTls(Path cert, Path key) {
        return toBuilder().tls(cert, key).build();
    }

    /** Client-certificate authentication against the CAs of {@code caFile} (TLS must be on). */
    public ApiServerConfig withClientCa(Path caFile) {
        return toBuilder().clientCaFile(caFile).build();
    }

    /** Serves the built-in group-versions {@code c} enables ({@code --runtime-config}). */
    public ApiServerConfig withRuntimeConfig(RuntimeConfig c) {
        return toBuilder().runtimeConfig(c).build();
    }

    /** Authorizes requests by {@code mode} ({@code --authorization-mode}). */
    public ApiServerConfig withAuthorization(AuthorizationMode mode) {
        return toBuilder().authorizationMode(mode).build();
    }

    /** Settings one at a time; starts from {@link #local()}'s defaults. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private Map<String, Auth.User> staticTokens = Map.of();
        private boolean anonymousAuth = true;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private Path clientCaFile;
        private int maxInFlight = 400;
        private int watchCacheSize = 10_000;
        private Duration bookmarkInterval = Duration.ofSeconds(60);
        private int eventLoops = 2;
        private int bodyLimit = DEFAULT_BODY_LIMIT;
        private RuntimeConfig runtimeConfig = RuntimeConfig.defaults();
        private AuthorizationMode authorizationMode = AuthorizationMode.ALWAYS_ALLOW;
        private int maxWatchesPerUser = DEFAULT_MAX_WATCHES_PER_USER;
        private FlowControlConfig flowControl = FlowControlConfig.defaults();

        public Builder() {}

        private Builder(ApiServerConfig c) {
            bindAddress = c.bindAddress;
            port = c.port;
            staticTokens = c.staticTokens;
            anonymousAuth = c.anonymousAuth;
            tlsCertFile = c.tlsCertFile;
            tlsKeyFile = c.tlsKeyFile;
            clientCaFile = c.clientCaFile;
            maxInFlight = c.maxInFlight;
            watchCacheSize = c.watchCacheSize;
            bookmarkInterval = c.bookmarkInterval;
            eventLoops = c.eventLoops;
            bodyLimit = c.bodyLimit;
            runtimeConfig = c.runtimeConfig;
            authorizationMode = c.authorizationMode;
            maxWatchesPerUser = c.maxWatchesPerUser;
            flowControl = c.flowControl;
        }

        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder staticTokens(Map<String, Auth.User> v) {
            staticTokens = v;
            return this;
        }

        public Builder anonymousAuth(boolean v) {
            anonymousAuth = v;
            return this;
        }

        public Builder tls(Path cert, Path key) {
            tlsCertFile = cert;
            tlsKeyFile = key;
            return this;
        }

        public Builder clientCaFile(Path v) {
            clientCaFile = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            maxInFlight = v;
            return this;
        }

        public Builder watchCacheSize(int v) {
            watchCacheSize = v;
            return this;
        }

        public Builder bookmarkInterval(Duration v) {
            bookmarkInterval = v;
            return this;
        }

        public Builder eventLoops(int v) {
            eventLoops = v;
            return this;
        }

        public Builder bodyLimit(int v) {
            bodyLimit = v;
            return this;
        }

        public Builder runtimeConfig(RuntimeConfig v) {
            runtimeConfig = v;
            return this;
        }

        public Builder authorizationMode(AuthorizationMode v) {
            authorizationMode = v;
            return this;
        }

        public Builder maxWatchesPerUser(int v) {
            maxWatchesPerUser = v;
            return this;
        }

        public Builder flowControl(FlowControlConfig v) {
            flowControl = v;
            return this;
        }

        public ApiServerConfig build() {
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
                    authorizationMode,
                    maxWatchesPerUser,
                    flowControl);
        }
    }
}
