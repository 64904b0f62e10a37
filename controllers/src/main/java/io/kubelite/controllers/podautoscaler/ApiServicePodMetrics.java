package io.kubelite.controllers.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.kubelite.api.APIService;
import io.kubelite.api.Service;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.RestClientMetrics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The production {@link PodMetricsSource}: kube's HPA reads {@code metrics.k8s.io} through the API
 * server, but the controller-manager talks only to etcd, so this client does what the API server's
 * aggregator would: it finds the {@code v1beta1.metrics.k8s.io} APIService in its informer, resolves
 * it to a loopback backend of its Service's EndpointSlices ({@link BackendResolver}, the aggregator's
 * own code), and GETs {@code /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods?labelSelector=...} over
 * HTTPS with the APIService's trust ({@link BackendTrust}), telling the backend who asks with the
 * front-proxy headers the aggregator sends. Every request has a 10 s deadline. Thread-safe.
 */
public final class ApiServicePodMetrics implements PodMetricsSource {
    static final String API_SERVICE = "v1beta1.metrics.k8s.io";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Held(boolean insecure, ByteString caBundle, HttpClient client) {}

    private final Informer<APIService> apiServices;
    private final BackendResolver resolver;
    private final RestClientMetrics restMetrics;
    private volatile Held held;

    /** @param restMetrics where its requests to the metrics API are counted ({@code rest_client_requests_total}) */
    public ApiServicePodMetrics(SharedInformerFactory informers, RestClientMetrics restMetrics) {
        this.restMetrics = restMetrics;
        this.apiServices = informers.get(APIServiceKind.RESOURCE);
        Informer<Service> services = informers.get(io.kubelite.kinds.core.service.ServiceKind.RESOURCE);
        Informer<EndpointSlice> slices =
                informers.get(io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind.RESOURCE);
        this.resolver = new BackendResolver(new BackendResolver.Lookup() {
            @Override
            public Service service(String namespace, String name) {
                return services.get(namespace, name).orElse(null);
            }

            @Override
            public List<EndpointSlice> slices(String namespace) {
                return slices.byNamespace(namespace);
            }
        });
    }

    @Override
    public List<PodMetrics> list(String namespace, String labelSelector) throws MetricsUnavailableException {
        APIService a = apiServices
                .get(null, API_SERVICE)
                .orElseThrow(() -> new MetricsUnavailableException(
                        "the server could not find the requested resource (get pods.metrics.k8s.io)"));
        if (!a.getSpec().hasService()) {
            throw new MetricsUnavailableException("APIService " + API_SERVICE
                    + " has no service: kubelite's API server serves no metrics.k8s.io itself");
        }
        BackendResolver.Backend b = resolver.resolve(a);
        if (!b.found()) {
            throw new MetricsUnavailableException(
                    "the server is currently unable to handle the request (get pods.metrics.k8s.io): " + b.message());
        }
        if (!b.loopback()) {
            throw new MetricsUnavailableException(
                    "endpoint " + b.address()
                            + " of the metrics API is not a loopback address; kubelite sends requests only to its own processes");
        }
        String url = b.url() + "/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods"
                + (labelSelector.isEmpty()
                        ? ""
                        : "?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
        HttpResponse<String> resp;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                    .timeout(TIMEOUT)
                    .header("Accept", "application/json")
                    .header("X-Remote-User", "system:kube-controller-manager")
                    .header("X-Remote-Group", "system:authenticated")
                    .GET()
                    .build();
            resp = restMetrics
                    .observe(req, client(a).sendAsync(req, HttpResponse.BodyHandlers.ofString()))
                    .get(TIMEOUT.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricsUnavailableException("interrupted", e);
        } catch (Exception e) {
            Throwable c =
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new MetricsUnavailableException("GET " + url + ": " + c, c);
        }
        if (resp.statusCode() != 200) {
            throw new MetricsUnavailableException("GET " + url + ": HTTP " + resp.statusCode() + ": "
                    + resp.body().substring(0, Math.min(300, resp.body().length())));
        }
        return parse(resp.body());
    }

    /** A PodMetricsList's items; a malformed body is an error naming what is wrong. */
    static List<PodMetrics> parse(String body) throws MetricsUnavailableException {
        try {
            JsonNode root = JSON.readTree(body);
            List<PodMetrics> out = new ArrayList<>();
            for (JsonNode item : root.path("items")) {
                List<ContainerMetrics> containers = new ArrayList<>();
                for (JsonNode c : item.path("containers")) {
                    Map<String, String> usage = new HashMap<>();
                    c.path("usage")
                            .fields()
                            .forEachRemaining(
                                    f -> usage.put(f.getKey(), f.getValue().asText()));
                    containers.add(new ContainerMetrics(c.path("name").asText(), usage));
                }
                out.add(new PodMetrics(
                        item.path("metadata").path("name").asText(),
                        Instant.parse(item.path("timestamp").asText()),
                        DurationConverter.parse(item.path("window").asText("0s")),
                        containers));
            }
            return out;
        } catch (Exception e) {
            throw new MetricsUnavailableException("malformed PodMetricsList: " + e.getMessage(), e);
        }
    }

    private HttpClient client(APIService a) throws java.security.GeneralSecurityException {
        boolean insecure = a.getSpec().getInsecureSkipTlsVerify();
        ByteString ca = a.getSpec().getCaBundle();
        Held h = held;
        if (h != null && h.insecure() == insecure && h.caBundle().equals(ca)) {
            return h.client();
        }
        String serverName = a.getSpec().getService().getName() + "."
                + a.getSpec().getService().getNamespace() + ".svc";
        HttpClient c = HttpClient.newBuilder()
                .sslContext(BackendTrust.context(insecure, ca, serverName))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        held = new Held(insecure, ca, c);
        return c;
    }
}
