package io.kubelite.dashboard.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.dashboard.view.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a session's own credential may {@code list} a resource (in a namespace, or across all
 * with ""): a {@code SelfSubjectAccessReview} made with that credential, as {@code kubectl auth
 * can-i list pods} sends, so the API server's authorizer decides. Answers are cached for
 * {@code ttl} per session, resource and namespace. Blocking: call off the event loop.
 */
public final class AccessReviewer {
    private static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private record Key(String session, ResourceType type, String namespace) {}

    private record Answer(boolean allowed, Instant expires) {}

    private final Map<Key, Answer> cache = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    public AccessReviewer(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    public boolean mayList(Session session, ResourceType type, String namespace) throws ReviewException {
        String ns = type.namespaced() ? namespace : "";
        Key key = new Key(session.id(), type, ns);
        Instant now = clock.instant();
        Answer a = cache.get(key);
        if (a != null && a.expires().isAfter(now)) {
            return a.allowed();
        }
        ObjectNode body =
                Json.object().put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
        body.putObject("spec")
                .putObject("resourceAttributes")
                .put("verb", "list")
                .put("group", type.group())
                .put("resource", type.resource())
                .put("namespace", ns);
        boolean allowed;
        try {
            var r = session.api().send("POST", PATH, "application/json", body.toString());
            if (!r.ok()) {
                throw new ReviewException("the API server answered the access review with HTTP " + r.code());
            }
            allowed = Json.MAPPER
                    .readTree(r.body())
                    .path("status")
                    .path("allowed")
                    .asBoolean(false);
        } catch (IOException e) {
            throw new ReviewException("the API server did not answer the access review: " + e.getMessage());
        }
        if (cache.size() > 10_000) {
            cache.entrySet().removeIf(e -> e.getValue().expires().isBefore(now));
        }
        cache.put(key, new Answer(allowed, now.plus(ttl)));
        return allowed;
    }
}
