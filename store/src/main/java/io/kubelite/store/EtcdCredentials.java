package io.kubelite.store;

import java.util.Objects;

/**
 * etcd's user/password authentication ({@code etcdctl user add}, {@code auth enable}). The
 * password never appears in {@link #toString()}, logs or errors.
 */
public record EtcdCredentials(String username, String password) {
    public EtcdCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isBlank()) {
            throw new IllegalArgumentException("--etcd-username must not be empty");
        }
    }

    @Override
    public String toString() {
        return "EtcdCredentials[username=" + username + ", password=REDACTED]";
    }
}
