package io.kubelite.apiserver.audit;

import io.kubelite.apiserver.Auth;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server's auditing: its policy and its log. {@link #begin} makes each request's
 * {@link RequestAudit} once it is authenticated (or failed to be) and sets the request's
 * {@code Audit-Id} response header, as kube-apiserver does for every request.
 */
public final class Auditing {
    private final AuditPolicy policy;
    private final AuditLog log;

    /** {@code policy} and {@code log} both null: no auditing (requests still get an audit ID). */
    public Auditing(AuditPolicy policy, AuditLog log) {
        this.policy = policy;
        this.log = log;
    }

    public static Auditing disabled() {
        return new Auditing(null, null);
    }

    public boolean enabled() {
        return policy != null && log != null;
    }

    /** The record of {@code req} by {@code user} (null: its credentials did not authenticate). */
    public RequestAudit begin(HttpServerRequest req, Auth.User user) {
        RequestAudit a;
        if (!enabled()) {
            a = RequestAudit.untracked();
        } else {
            AuditAttributes attrs = AuditAttributes.of(user, req.method().name(), req.path(), req.getParam("watch"));
            a = RequestAudit.begin(
                    log,
                    policy.decide(attrs),
                    attrs,
                    req.uri(),
                    req.getHeader("User-Agent"),
                    sourceIps(req),
                    Instant.now());
        }
        req.response().putHeader("Audit-Id", a.id());
        return a;
    }

    /** kube's SourceIPs: X-Forwarded-For's addresses, X-Real-Ip, then the peer, without repeats. */
    private static List<String> sourceIps(HttpServerRequest req) {
        List<String> out = new ArrayList<>();
        String fwd = req.getHeader("X-Forwarded-For");
        if (fwd != null) {
            for (String s : fwd.split(",")) {
                add(out, s.trim());
            }
        }
        add(out, req.getHeader("X-Real-Ip"));
        if (req.remoteAddress() != null) {
            add(out, req.remoteAddress().hostAddress());
        }
        return out;
    }

    private static void add(List<String> out, String ip) {
        if (ip != null && !ip.isEmpty() && !out.contains(ip)) {
            out.add(ip);
        }
    }
}
