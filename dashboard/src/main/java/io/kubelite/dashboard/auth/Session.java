package io.kubelite.dashboard.auth;

import io.kubelite.cli.ApiServerConnection;
import java.time.Instant;

/**
 * A signed-in browser: who it is and the credential every API call made for it uses (the
 * dashboard's own for a login-code session, the user's token otherwise), so the API server
 * authenticates and authorizes the user, not the dashboard.
 */
public final class Session {
    private final String id;
    private final String user;
    private final ApiServerConnection api;
    private volatile Instant lastSeen;

    Session(String id, String user, ApiServerConnection api, Instant now) {
        this.id = id;
        this.user = user;
        this.api = api;
        this.lastSeen = now;
    }

    public String id() {
        return id;
    }

    /** The user name the API server knows the credential by. */
    public String user() {
        return user;
    }

    /** The session's credential toward the API server. */
    public ApiServerConnection api() {
        return api;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }
}
