package io.kubelite.apiserver.authentication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ServiceAccount;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.Codec;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token}: an
 * {@code authentication.k8s.io/v1} TokenRequest answered as kube's TokenREST does. The body's
 * name and namespace, when set, must be the URL's; audiences default to the API audiences,
 * {@code expirationSeconds} to 3600 and may not be under 600 (or over 2^32); a
 * {@code boundObjectRef} names a Pod, Secret or Node (core group) that must exist, carry the
 * given uid (409 otherwise) and, for a Pod, run as this service account; a Pod's node goes into
 * the token too. The account and bound objects are read from etcd (a quorum read: one created a
 * moment ago counts). The answer (201) is the request with {@code status.token} and
 * {@code status.expirationTimestamp}; nothing is stored. Authorized before it gets here as
 * {@code create} on {@code serviceaccounts/token}.
 */
public final class TokenRequests {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRequests.class);
    static final long MIN_SECONDS = 600;
    static final long MAX_SECONDS = 1L << 32;
    static final long DEFAULT_SECONDS = 3600;
    private static final String API_VERSION = "authentication.k8s.io/v1";

    private final HandlerContext ctx;
    private final ServiceAccountIssuing issuing;

    public TokenRequests(HandlerContext ctx, ServiceAccountIssuing issuing) {
        this.ctx = ctx;
        this.issuing = issuing;
    }

    /** What a TokenRequest's body asks for, checked. */
    private record Spec(List<String> audiences, long seconds, JsonNode boundRef, ObjectNode request) {}

    public void create(Request r, String namespace, String name, String body) {
        ServiceAccountTokenSigner signer = issuing == null ? null : issuing.signer();
        if (signer == null) {
            // kube installs serviceaccounts/token only with a signing key
            throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
        }
        Spec spec = parse(namespace, name, body);
        CompletableFuture<ServiceAccount> sa =
                ctx.store().of(ServiceAccountKind.RESOURCE).get(namespace, name);
        r.then(sa, ServiceAccountKind.RESOURCE, name, account -> bind(r, signer, spec, namespace, account));
    }

    private Spec parse(String namespace, String name, String body) {
        ObjectNode in = body == null || body.isBlank()
                ? Codec.MAPPER.createObjectNode()
                : BodyDecoder.json(body, "TokenRequest") instanceof ObjectNode o ? o : null;
        if (in == null) {
            throw ApiException.badRequest("TokenRequest must be an object");
        }
        String apiVersion = in.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(API_VERSION)) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + API_VERSION + ")");
        }
        String kind = in.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("TokenRequest")) {
            throw ApiException.badRequest(
                    "the kind in the data (" + kind + ") does not match the expected kind (TokenRequest)");
        }
        String bodyName = in.path("metadata").path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw invalid(
                    name,
                    "metadata.name",
                    "Invalid value: \"" + bodyName + "\": must match the service account name if specified");
        }
        String bodyNs = in.path("metadata").path("namespace").asText("");
        if (!bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
            throw invalid(
                    name,
                    "metadata.namespace",
                    "Invalid value: \"" + bodyNs + "\": must match the service account namespace if specified");
        }
        JsonNode specNode = in.path("spec");
        List<String> audiences = new ArrayList<>();
        specNode.path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.addAll(issuing.apiAudiences());
        }
        JsonNode exp = specNode.path("expirationSeconds");
        if (!exp.isMissingNode() && !exp.isNull() && !exp.canConvertToLong()) {
            throw ApiException.badRequest("spec.expirationSeconds must be an integer");
        }
        long seconds = exp.isMissingNode() || exp.isNull() ? DEFAULT_SECONDS : exp.asLong();
        if (seconds < MIN_SECONDS) {
            throw invalid(
                    "",
                    "spec.expirationSeconds",
                    "Invalid value: " + seconds + ": may not specify a duration less than 10 minutes");
        }
        if (seconds > MAX_SECONDS) {
            throw invalid(
                    "", "spec.expirationSeconds", "Too long: may not specify a duration larger than 2^32 seconds");
        }
        JsonNode ref = specNode.path("boundObjectRef");
        return new Spec(List.copyOf(audiences), seconds, ref.isObject() ? ref : null, in);
    }

    private void bind(Request r, ServiceAccountTokenSigner signer, Spec spec, String ns, ServiceAccount account) {
        TokenClaims.Ref sa = new TokenClaims.Ref(
                account.getMetadata().getName(), account.getMetadata().getUid());
        if (spec.boundRef() == null) {
            issue(r, signer, spec, ns, sa, null, null, null);
            return;
        }
        String kind = spec.boundRef().path("kind").asText("");
        String apiVersion = spec.boundRef().path("apiVersion").asText("");
        String refName = spec.boundRef().path("name").asText("");
        String refUid = spec.boundRef().path("uid").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (!group.isEmpty() || !List.of("Pod", "Secret", "Node").contains(kind)) {
            throw ApiException.badRequest("cannot bind token to object of type "
                    + (group.isEmpty() ? "" : group + "/") + apiVersion.substring(apiVersion.indexOf('/') + 1)
                    + ", Kind=" + kind);
        }
        switch (kind) {
            case "Pod" ->
                r.then(ctx.store().of(PodKind.RESOURCE).get(ns, refName), PodKind.RESOURCE, refName, pod -> {
                    String podSa = pod.getSpec().getServiceAccountName();
                    if (!account.getMetadata().getName().equals(podSa.isEmpty() ? "default" : podSa)) {
                        throw ApiException.badRequest("cannot bind token for serviceaccount \""
                                + account.getMetadata().getName()
                                + "\" to pod running with different serviceaccount name.");
                    }
                    checkUid(pod.getMetadata(), refUid, "Pod", refName);
                    TokenClaims.Ref podRef =
                            new TokenClaims.Ref(refName, pod.getMetadata().getUid());
                    String nodeName = pod.getSpec().getNodeName();
                    if (nodeName.isEmpty()) {
                        issue(r, signer, spec, ns, sa, podRef, null, null);
                        return;
                    }
                    // the pod's node goes in too; a node that is gone leaves its name alone, as in kube
                    ctx.store().of(NodeKind.RESOURCE).get(null, nodeName).handle((node, err) -> {
                        TokenClaims.Ref nodeRef = new TokenClaims.Ref(
                                nodeName, node == null ? "" : node.getMetadata().getUid());
                        r.onContext(() -> issue(r, signer, spec, ns, sa, podRef, null, nodeRef));
                        return null;
                    });
                });
            case "Secret" ->
                r.then(ctx.store().of(SecretKind.RESOURCE).get(ns, refName), SecretKind.RESOURCE, refName, secret -> {
                    checkUid(secret.getMetadata(), refUid, "Secret", refName);
                    issue(
                            r,
                            signer,
                            spec,
                            ns,
                            sa,
                            null,
                            new TokenClaims.Ref(refName, secret.getMetadata().getUid()),
                            null);
                });
            default ->
                r.then(ctx.store().of(NodeKind.RESOURCE).get(null, refName), NodeKind.RESOURCE, refName, node -> {
                    checkUid(node.getMetadata(), refUid, "Node", refName);
                    issue(
                            r,
                            signer,
                            spec,
                            ns,
                            sa,
                            null,
                            null,
                            new TokenClaims.Ref(refName, node.getMetadata().getUid()));
                });
        }
    }

    private static void checkUid(ObjectMeta m, String refUid, String kind, String name) {
        if (!refUid.isEmpty() && !refUid.equals(m.getUid())) {
            throw new ApiException(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on " + kind + " \"" + name + "\": the UID in the bound object"
                            + " reference (" + refUid + ") does not match the UID in record. The object might have"
                            + " been deleted and then recreated",
                    name,
                    "",
                    kind,
                    List.of(),
                    null);
        }
    }

    private void issue(
            Request r,
            ServiceAccountTokenSigner signer,
            Spec spec,
            String ns,
            TokenClaims.Ref sa,
            TokenClaims.Ref pod,
            TokenClaims.Ref secret,
            TokenClaims.Ref node) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ServiceAccountTokenSigner.Token t =
                signer.bound(ns, sa, pod, secret, node, spec.audiences(), Duration.ofSeconds(spec.seconds()));
        ObjectNode out = spec.request().deepCopy();
        out.put("kind", "TokenRequest");
        out.put("apiVersion", API_VERSION);
        ObjectNode meta = out.with("metadata");
        meta.put("name", sa.name());
        meta.put("namespace", ns);
        meta.put("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(now));
        ObjectNode specOut = out.with("spec");
        specOut.set("audiences", Codec.MAPPER.valueToTree(spec.audiences()));
        specOut.put("expirationSeconds", spec.seconds());
        if (!specOut.has("boundObjectRef")) {
            specOut.putNull("boundObjectRef");
        }
        ObjectNode status = out.putObject("status");
        status.put("token", t.value());
        status.put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(now.plusSeconds(spec.seconds())));
        LOG.info(
                "issued a token for serviceaccount {}/{} (audiences {}, {} s{}{}{}, jti {}) to {}",
                ns,
                sa.name(),
                spec.audiences(),
                spec.seconds(),
                pod == null ? "" : ", pod " + pod.name(),
                secret == null ? "" : ", secret " + secret.name(),
                node == null ? "" : ", node " + node.name(),
                t.claims().id(),
                r.user().name());
        r.json(201, out);
    }

    private static ApiException invalid(String name, String field, String message) {
        return new ApiException(
                422,
                "Invalid",
                "TokenRequest.authentication.k8s.io \"" + name + "\" is invalid: " + field + ": " + message,
                name,
                "authentication.k8s.io",
                "TokenRequest",
                List.of(new FieldError("FieldValueInvalid", message, field)),
                null);
    }
}
