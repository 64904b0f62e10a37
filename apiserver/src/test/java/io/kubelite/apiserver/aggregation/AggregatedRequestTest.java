package io.kubelite.apiserver.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The pure parts of the proxy: kube's request info of an aggregated path, the loopback rule, discovery's conversion. */
class AggregatedRequestTest {

    static AggregatedRequest parse(HttpMethod m, String path, String query) {
        MultiMap q = MultiMap.caseInsensitiveMultiMap();
        if (query != null) {
            q.add(query.split("=")[0], query.split("=")[1]);
        }
        return AggregatedRequest.parse(m, path.substring("/apis/".length()).split("/", -1), q);
    }

    @Test
    void requestInfoAsKubeNamesIt() {
        assertThat(parse(HttpMethod.GET, "/apis/metrics.k8s.io/v1beta1/nodes", null))
                .isEqualTo(new AggregatedRequest("list", null, "nodes", null, null));
        assertThat(parse(HttpMethod.GET, "/apis/metrics.k8s.io/v1beta1/nodes/n1", null))
                .isEqualTo(new AggregatedRequest("get", null, "nodes", "n1", null));
        assertThat(parse(HttpMethod.GET, "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods", "watch=true"))
                .isEqualTo(new AggregatedRequest("watch", "ns", "pods", null, null));
        assertThat(parse(HttpMethod.GET, "/apis/g.io/v1/watch/namespaces/ns/pods", null))
                .isEqualTo(new AggregatedRequest("watch", "ns", "pods", null, null));
        assertThat(parse(HttpMethod.PUT, "/apis/g.io/v1/namespaces/ns/things/a/status", null))
                .isEqualTo(new AggregatedRequest("update", "ns", "things", "a", "status"));
        assertThat(parse(HttpMethod.DELETE, "/apis/g.io/v1/namespaces/ns/things", null))
                .isEqualTo(new AggregatedRequest("deletecollection", "ns", "things", null, null));
        assertThat(parse(HttpMethod.GET, "/apis/g.io/v1/namespaces/ns", null))
                .isEqualTo(new AggregatedRequest("get", null, "namespaces", "ns", null));
    }

    @Test
    void onlyLiteralLoopbackAddressesAreSentTo() {
        assertThat(BackendResolver.isLoopback("127.0.0.1")).isTrue();
        assertThat(BackendResolver.isLoopback("127.3.2.1")).isTrue();
        assertThat(BackendResolver.isLoopback("::1")).isTrue();
        assertThat(BackendResolver.isLoopback("10.244.0.9")).isFalse();
        assertThat(BackendResolver.isLoopback("localhost"))
                .as("names are never resolved")
                .isFalse();
    }

    @Test
    void aBackendsResourceListBecomesAggregatedDiscovery() throws Exception {
        ArrayNode list = (ArrayNode) new ObjectMapper()
                .readTree("[{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\","
                        + "\"verbs\":[\"get\",\"list\"]},{\"name\":\"pods/status\",\"namespaced\":true,"
                        + "\"kind\":\"PodMetrics\",\"verbs\":[\"get\"]}]");
        ArrayNode out = new ObjectMapper().createArrayNode();
        AggregatedResources.toDiscovery("metrics.k8s.io", "v1beta1", list, out);
        assertThat(out.toString())
                .isEqualTo("[{\"resource\":\"pods\",\"responseKind\":{\"group\":\"metrics.k8s.io\",\"version\":"
                        + "\"v1beta1\",\"kind\":\"PodMetrics\"},\"scope\":\"Namespaced\",\"singularResource\":\"\","
                        + "\"verbs\":[\"get\",\"list\"],\"subresources\":[{\"subresource\":\"status\",\"responseKind\":"
                        + "{\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\",\"kind\":\"PodMetrics\"},"
                        + "\"verbs\":[\"get\"]}]}]");
    }
}
