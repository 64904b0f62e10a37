package io.kubelite.apiserver.authentication;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.kubelite.apiserver.Codec;
import io.kubelite.apiserver.Request;
import io.kubelite.store.serviceaccount.ServiceAccountKeys;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Service account issuer discovery, as kube-apiserver serves it for an https issuer:
 * {@value #CONFIGURATION_PATH} (the OpenID provider configuration: issuer, jwks_uri,
 * response_types_supported {@code id_token}, subject_types_supported {@code public},
 * id_token_signing_alg_values_supported of the keys) and {@value #JWKS_PATH} (the public keys,
 * each with {@code use: sig}, {@code alg} and kube's {@code kid}). Both with kube's
 * {@code Cache-Control: public, max-age=3600}. jwks_uri is {@code --service-account-jwks-uri}, else
 * this server's own URL.
 */
public final class ServiceAccountIssuerDiscovery {
    public static final String CONFIGURATION_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/openid/v1/jwks";
    private static final String CACHE_CONTROL = "public, max-age=3600";

    private final ServiceAccountIssuing issuing;
    private final Supplier<String> serverUrl;
    private final byte[] jwks;
    private volatile byte[] configuration;

    /** {@code serverUrl}: this server's URL, asked for on the first request (the port may be picked at start). */
    public ServiceAccountIssuerDiscovery(ServiceAccountIssuing issuing, Supplier<String> serverUrl) {
        this.issuing = issuing;
        this.serverUrl = serverUrl;
        this.jwks = new JWKSet(issuing.verifyKeys()).toString(true).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] configuration() {
        byte[] done = configuration;
        if (done != null) {
            return done;
        }
        ObjectNode c = Codec.MAPPER.createObjectNode();
        c.put("issuer", issuing.issuers().get(0));
        c.put("jwks_uri", issuing.jwksUri() != null ? issuing.jwksUri() : serverUrl.get() + JWKS_PATH);
        c.putArray("response_types_supported").add("id_token");
        c.putArray("subject_types_supported").add("public");
        ArrayNode algs = c.putArray("id_token_signing_alg_values_supported");
        TreeSet<String> names = new TreeSet<>();
        for (JWK k : issuing.verifyKeys()) {
            names.add(ServiceAccountKeys.algorithm(k).getName());
        }
        names.forEach(algs::add);
        configuration = c.toString().getBytes(StandardCharsets.UTF_8);
        return configuration;
    }

    /** Answers {@code path} when it is one of the two; false when it is not. */
    public boolean serve(Request r, String path) {
        if (path.equals(CONFIGURATION_PATH)) {
            r.http().response().putHeader("Cache-Control", CACHE_CONTROL);
            r.bytes(200, configuration(), "application/json");
            return true;
        }
        if (path.equals(JWKS_PATH)) {
            r.http().response().putHeader("Cache-Control", CACHE_CONTROL);
            r.bytes(200, jwks, "application/jwk-set+json");
            return true;
        }
        return false;
    }
}
