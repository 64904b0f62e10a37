package io.kubelite.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd: endpoints, the key prefix all kubelite data lives under, the
 * deadline every single etcd call gets, and optionally TLS ({@code tls}, null for plain
 * HTTP) and user/password authentication ({@code credentials}, null for none).
 */
public record EtcdConfig(
        List<String> endpoints, String prefix, Duration requestTimeout, EtcdTls tls, EtcdCredentials credentials) {
    public static final String DEFAULT_PREFIX = "/registry";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public EtcdConfig {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        endpoints = List.copyOf(endpoints);
        prefix = normalizePrefix(prefix);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
    }

    /** Plain HTTP, no authentication. */
    public EtcdConfig(List<String> endpoints, String prefix, Duration requestTimeout) {
        this(endpoints, prefix, requestTimeout, null, null);
    }

    public static EtcdConfig of(List<String> endpoints) {
        return new EtcdConfig(endpoints, DEFAULT_PREFIX, DEFAULT_REQUEST_TIMEOUT);
    }

    public EtcdConfig withPrefix(String newPrefix) {
        return new EtcdConfig(endpoints, newPrefix, requestTimeout, tls, credentials);
    }

    public EtcdConfig withRequestTimeout(Duration timeout) {
        return new EtcdConfig(endpoints, prefix, timeout, tls, credentials);
    }

    /** This config over TLS ({@code tls} null: plain HTTP). */
    public EtcdConfig withTls(EtcdTls newTls) {
        return new EtcdConfig(endpoints, prefix, requestTimeout, newTls, credentials);
    }

    /** This config authenticating as {@code newCredentials} (null: no authentication). */
    public EtcdConfig withCredentials(EtcdCredentials newCredentials) {
        return new EtcdConfig(endpoints, prefix, requestTimeout, tls, newCredentials);
    }

    private static String normalizePrefix(String p) {
        if (p == null || p.isBlank()) {
            return DEFAULT_PREFIX;
        }
        String s = p.trim();
        if (!s.startsWith("/")) {
            s = "/" + s;
        }
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
