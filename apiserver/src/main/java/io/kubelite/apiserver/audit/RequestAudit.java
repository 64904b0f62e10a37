package io.kubelite.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The audit record of one request: made when it is received, with the policy's decision for
 * it, and written at each stage the decision records, as kube's audit filter does —
 * RequestReceived at once, ResponseStarted when a long-running request's headers go out,
 * ResponseComplete when the response ends (or its connection closes), Panic for a failure of the
 * server's own. Its methods run on the request's event loop; {@link #complete} and
 * {@link #panic} act once. A request of a server without auditing gets {@link #untracked}: an
 * audit ID for the {@code Audit-Id} header and nothing else.
 */
public final class RequestAudit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> LONG_RUNNING_SUBRESOURCES =
            Set.of("log", "exec", "attach", "portforward", "proxy");

    private final String id;
    private final AuditLog log;
    private final AuditPolicy.Decision decision;
    private final AuditAttributes attributes;
    private final ObjectNode base;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private JsonNode requestObject;
    private ObjectNode responseStatus;
    private JsonNode responseObject;
    private boolean done;

    private RequestAudit(
            String id, AuditLog log, AuditPolicy.Decision decision, AuditAttributes attributes, ObjectNode base) {
        this.id = id;
        this.log = log;
        this.decision = decision;
        this.attributes = attributes;
        this.base = base;
    }

    /** A request that is not audited: only its ID. */
    public static RequestAudit untracked() {
        return new RequestAudit(UUID.randomUUID().toString(), null, AuditPolicy.Decision.NONE, null, null);
    }

    /** Starts the record of a request the policy decided on; writes RequestReceived when recorded. */
    static RequestAudit begin(
            AuditLog log,
            AuditPolicy.Decision decision,
            AuditAttributes a,
            String requestUri,
            String userAgent,
            java.util.List<String> sourceIps,
            Instant received) {
        String id = UUID.randomUUID().toString();
        if (decision.level() == AuditLevel.None) {
            return new RequestAudit(id, null, decision, a, null);
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("kind", "Event");
        b.put("apiVersion", AuditPolicy.API_VERSION);
        b.put("level", decision.level().name());
        b.put("auditID", id);
        b.put("stage", "");
        b.put("requestURI", requestUri);
        b.put("verb", a.verb());
        ObjectNode user = b.putObject("user");
        if (a.user() != null) {
            user.put("username", a.user().name());
            if (!a.user().uid().isEmpty()) {
                user.put("uid", a.user().uid());
            }
            ArrayNode groups = user.putArray("groups");
            a.user().groups().forEach(groups::add);
        }
        ArrayNode ips = b.putArray("sourceIPs");
        sourceIps.forEach(ips::add);
        if (userAgent != null) {
            b.put("userAgent", userAgent);
        }
        if (a.resourceRequest()) {
            ObjectNode ref = b.putObject("objectRef");
            ref.put("resource", a.resource());
            if (!a.namespace().isEmpty()) {
                ref.put("namespace", a.namespace());
            }
            if (!a.name().isEmpty()) {
                ref.put("name", a.name());
            }
            if (!a.group().isEmpty()) {
                ref.put("apiGroup", a.group());
            }
            ref.put("apiVersion", a.version());
            if (!a.subresource().isEmpty()) {
                ref.put("subresource", a.subresource());
            }
        }
        b.put("requestReceivedTimestamp", MICRO_TIME.format(received));
        RequestAudit ra = new RequestAudit(id, log, decision, a, b);
        ra.emit(AuditStage.RequestReceived);
        return ra;
    }

    /** The request's audit ID (the {@code Audit-Id} response header, {@code auditID} in the log). */
    public String id() {
        return id;
    }

    /** Whether anything of this request is written. */
    public boolean recorded() {
        return log != null;
    }

    /** Adds an annotation to the events written from now on (e.g. the authorization decision). */
    public void annotate(String key, String value) {
        if (recorded()) {
            annotations.put(key, value);
        }
    }

    /** Records whom the request acts as ({@code impersonatedUser}), once impersonation was allowed. */
    public void impersonated(io.kubelite.apiserver.Auth.User u) {
        if (recorded()) {
            ObjectNode iu = base.putObject("impersonatedUser");
            iu.put("username", u.name());
            if (!u.uid().isEmpty()) {
                iu.put("uid", u.uid());
            }
            ArrayNode groups = iu.putArray("groups");
            u.groups().forEach(groups::add);
        }
    }

    /** Records the authorizer's decision as kube's {@code authorization.k8s.io/*} annotations. */
    public void authorized(boolean allowed, String reason) {
        annotate("authorization.k8s.io/decision", allowed ? "allow" : "forbid");
        annotate("authorization.k8s.io/reason", reason == null ? "" : reason);
    }

    /** Whether the request's body is wanted ({@link AuditLevel#Request} and up, resource requests). */
    public boolean wantsRequestBody() {
        return recorded() && decision.level().atLeast(AuditLevel.Request) && attributes.resourceRequest();
    }

    /** The request's body, kept when wanted and JSON (anything else is left out, never guessed at). */
    public void requestBody(String body) {
        if (!wantsRequestBody() || body == null || body.isBlank()) {
            return;
        }
        try {
            requestObject = withoutManagedFields(JSON.readTree(body));
        } catch (IOException e) {
            requestObject = null; // not JSON: the handler refuses it; the event still says who tried
        }
    }

    /** The response's code and, at {@link AuditLevel#RequestResponse}, its JSON body. */
    public void response(int code, byte[] body, String contentType) {
        response(code, () -> body, contentType);
    }

    /**
     * As {@link #response(int, byte[], String)}, with the body read only if the record keeps it:
     * a list body is written off-heap and copied back only for an audit that wants it.
     */
    public void response(int code, java.util.function.Supplier<byte[]> bodySupplier, String contentType) {
        if (!recorded()) {
            return;
        }
        ensureStatus(code);
        if (decision.level().atLeast(AuditLevel.RequestResponse)
                && attributes.resourceRequest()
                && contentType != null
                && contentType.startsWith("application/json")) {
            byte[] body = bodySupplier.get();
            if (decision.omitManagedFields()) {
                try {
                    responseObject = withoutManagedFields(JSON.readTree(body));
                } catch (IOException e) {
                    responseObject = null;
                }
            } else {
                // our own JSON: embedded as it is, without a parse on the event loop
                responseObject =
                        JSON.getNodeFactory().rawValueNode(new RawValue(new String(body, StandardCharsets.UTF_8)));
            }
        }
    }

    /** A failure's Status (kube's responseStatus: the Status without its kind and apiVersion). */
    public void status(ObjectNode status) {
        if (!recorded()) {
            return;
        }
        ObjectNode s = status.deepCopy();
        s.remove("kind");
        s.remove("apiVersion");
        responseStatus = s;
    }

    /** The response's headers went out: ResponseStarted for a long-running request. */
    public void responseStarted(int code) {
        if (!recorded() || done || !longRunning()) {
            return;
        }
        ensureStatus(code);
        emit(AuditStage.ResponseStarted);
    }

    /** The response ended (or its connection closed first): ResponseComplete, once. */
    public void complete(int code) {
        finish(AuditStage.ResponseComplete, null, code, null);
    }

    /** The server failed on its own: a Panic event in place of ResponseComplete. */
    public void panic(String message) {
        finish(AuditStage.Panic, "InternalError", 500, "APIServer panic'd: " + message);
    }

    /**
     * A request whose credentials did not authenticate: kube audits it as one ResponseStarted
     * event with code 401 and the methods tried.
     */
    public void unauthenticated(String attempted) {
        finish(AuditStage.ResponseStarted, null, 401, "Authentication failed, attempted: " + attempted);
    }

    /**
     * The request's last event, once: at {@code stage}, with the status recorded so far, or (with
     * a {@code message}) a Status of {@code code} saying it, a Failure when {@code reason} is given.
     */
    private void finish(AuditStage stage, String reason, int code, String message) {
        if (done) {
            return;
        }
        done = true;
        if (!recorded()) {
            return;
        }
        if (message != null) {
            ObjectNode s = JSON.createObjectNode();
            s.putObject("metadata");
            if (reason != null) {
                s.put("status", "Failure");
            }
            s.put("message", message);
            if (reason != null) {
                s.put("reason", reason);
            }
            s.put("code", code);
            responseStatus = s;
        }
        ensureStatus(code);
        emit(stage);
    }

    private boolean longRunning() {
        return attributes.verb().equals("watch") || LONG_RUNNING_SUBRESOURCES.contains(attributes.subresource());
    }

    private void ensureStatus(int code) {
        if (responseStatus == null) {
            responseStatus = JSON.createObjectNode();
            responseStatus.putObject("metadata");
            responseStatus.put("code", code);
        }
    }

    private void emit(AuditStage stage) {
        if (!decision.records(stage)) {
            return;
        }
        ObjectNode e = base.deepCopy();
        e.put("stage", stage.name());
        if (stage != AuditStage.RequestReceived) {
            if (requestObject != null) {
                e.set("requestObject", requestObject);
            }
            if (responseObject != null && stage != AuditStage.ResponseStarted) {
                e.set("responseObject", responseObject);
            }
            if (responseStatus != null) {
                e.set("responseStatus", responseStatus.deepCopy());
            }
        }
        e.put("stageTimestamp", MICRO_TIME.format(Instant.now()));
        if (!annotations.isEmpty()) {
            ObjectNode an = e.putObject("annotations");
            annotations.forEach(an::put);
        }
        log.write(e);
    }

    private JsonNode withoutManagedFields(JsonNode n) {
        if (!decision.omitManagedFields() || !n.isObject()) {
            return n;
        }
        if (n.path("metadata").isObject()) {
            ((ObjectNode) n.get("metadata")).remove("managedFields");
        }
        if (n.path("items").isArray()) {
            for (JsonNode item : n.get("items")) {
                if (item.path("metadata").isObject()) {
                    ((ObjectNode) item.get("metadata")).remove("managedFields");
                }
            }
        }
        return n;
    }
}
