package io.kubelite.dashboard.auth;

import io.kubelite.cli.ApiServerConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's sessions, by a random 256-bit id (the cookie's value); a session unused for
 * {@code idleTimeout} is gone. In memory only: a restarted dashboard signs everyone out.
 */
public final class SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;

    public SessionStore(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    public Session create(String user, ApiServerConnection api, String how) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session s = new Session(id, user, api, clock.instant());
        sessions.put(id, s);
        log.info("session for user {} signed in with {}", user, how);
        return s;
    }

    /** The live session with {@code id}, marked as used now; empty when unknown or idle too long. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (s.lastSeen().plus(idleTimeout).isBefore(now)) {
            sessions.remove(id, s);
            log.info("session for user {} expired after {} idle", s.user(), idleTimeout);
            return Optional.empty();
        }
        s.touch(now);
        return Optional.of(s);
    }

    public void remove(Session s) {
        if (sessions.remove(s.id(), s)) {
            log.info("session for user {} signed out", s.user());
        }
    }

    /** Drops sessions idle too long (called now and then so they do not pile up). */
    public void sweep() {
        Instant limit = clock.instant().minus(idleTimeout);
        sessions.values().removeIf(s -> s.lastSeen().isBefore(limit));
    }
}
