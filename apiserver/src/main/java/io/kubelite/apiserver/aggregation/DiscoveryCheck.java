package io.kubelite.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kubelite.api.APIService;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * kube's discovery check of one APIService's backend: {@code GET /apis/<group>/<version>} within 5
 * s, as {@code system:kube-aggregator} in {@code system:masters}; a 2xx APIResourceList passes (its
 * resources are what discovery lists), anything else fails with kube's message
 * ({@code failing or missing response from <url>: ...}, {@code bad status from <url>: <code>}).
 */
final class DiscoveryCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MILLIS = 5_000;

    /** The resources the backend listed, or why the check failed ({@code failure} non-null). */
    record Outcome(ArrayNode resources, String failure) {}

    private DiscoveryCheck() {}

    /** Never fails: a failure is an {@link Outcome} with kube's message. */
    static Future<Outcome> run(HttpClient client, APIService a, BackendResolver.Backend b, String url) {
        RequestOptions opts = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(b.port(), b.address()))
                .setHost(BackendClients.serverName(a))
                .setPort(b.port())
                .setURI("/apis/" + a.getSpec().getGroup() + "/" + a.getSpec().getVersion())
                .setTimeout(TIMEOUT_MILLIS)
                .putHeader("Accept", "application/json")
                .putHeader(FrontProxyHeaders.USER, "system:kube-aggregator")
                .putHeader(FrontProxyHeaders.GROUP, "system:masters");
        return client.request(opts)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() < 200 || resp.statusCode() >= 300) {
                        return new Outcome(null, "bad status from " + url + ": " + resp.statusCode());
                    }
                    try {
                        JsonNode doc = JSON.readTree(body.getBytes());
                        return doc.get("resources") instanceof ArrayNode list
                                ? new Outcome(list, null)
                                : new Outcome(
                                        null, "failing or missing response from " + url + ": not an APIResourceList");
                    } catch (java.io.IOException e) {
                        return new Outcome(null, "failing or missing response from " + url + ": " + e.getMessage());
                    }
                }))
                .recover(err -> Future.succeededFuture(new Outcome(
                        null,
                        "failing or missing response from " + url + ": Get \"" + url + "\": " + err.getMessage())));
    }
}
