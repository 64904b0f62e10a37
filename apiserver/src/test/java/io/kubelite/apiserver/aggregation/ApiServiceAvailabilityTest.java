package io.kubelite.apiserver.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.RuntimeConfig;
import io.kubelite.apiserver.testing.AggregatedBackend;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two API server replicas on one etcd, both checking APIServices every 200 ms: the Available
 * condition is written once when it changes and then left alone (no replica rewrites what the
 * other wrote), the local APIServices are written once at start, and either replica proxies.
 */
@Timeout(120)
class ApiServiceAvailabilityTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String APISERVICE = "/apis/apiregistration.k8s.io/v1/apiservices/v1.test.kubelite.io";

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    TestApiServer replica(Etcd etcd) throws Exception {
        TestApiServer s = TestApiServer.start(
                etcd, ApiServerConfig.local(), a -> a.withApiServiceCheckInterval(Duration.ofMillis(200)));
        open.add(s);
        return s;
    }

    @Test
    void aGroupVersionNoLongerServedLosesItsLocalApiService() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        try (TestApiServer beta = TestApiServer.start(
                etcd, ApiServerConfig.local().withRuntimeConfig(RuntimeConfig.parse("batch/v1beta1=true")))) {
            assertThat(beta.get("/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.batch")
                            .code())
                    .isEqualTo(200);
        }
        TestApiServer plain = replica(etcd);
        TestApiServer.Resp gone = plain.get("/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.batch");
        assertThat(gone.code()).as(gone.body()).isEqualTo(404);
        assertThat(plain.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.batch")
                        .code())
                .isEqualTo(200);
    }

    @Test
    void replicasWriteTheConditionOnceAndBothProxy(@TempDir Path backendDir) throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        TestApiServer b = replica(etcd);
        AggregatedBackend backend = AggregatedBackend.start(backendDir, "test-api.default.svc");
        open.add(0, backend);

        assertThat(a.post(
                                "/api/v1/namespaces/default/services",
                                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"test-api\"},"
                                        + "\"spec\":{\"ports\":[{\"name\":\"https\",\"port\":443}]}}")
                        .code())
                .isEqualTo(201);
        NodeAgents.join(a.store()
                .of(EndpointSliceKind.RESOURCE)
                .create(EndpointSlice.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("test-api-1")
                                .setNamespace("default")
                                .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "test-api"))
                        .setAddressType("IPv4")
                        .addEndpoints(Endpoint.newBuilder()
                                .addAddresses("127.0.0.1")
                                .setConditions(EndpointConditions.newBuilder().setReady(true)))
                        .addPorts(EndpointPort.newBuilder().setName("https").setPort(backend.port()))
                        .build()));
        String ca = Base64.getEncoder().encodeToString(backend.caBundle());
        TestApiServer.Resp created = a.post(
                "/apis/apiregistration.k8s.io/v1/apiservices",
                "{\"apiVersion\":\"apiregistration.k8s.io/v1\",\"kind\":\"APIService\",\"metadata\":{\"name\":"
                        + "\"v1.test.kubelite.io\"},\"spec\":{\"group\":\"test.kubelite.io\",\"version\":\"v1\","
                        + "\"groupPriorityMinimum\":1000,\"versionPriority\":100,\"caBundle\":\"" + ca + "\","
                        + "\"service\":{\"namespace\":\"default\",\"name\":\"test-api\"}}}");
        assertThat(created.code()).as(created.body()).isEqualTo(201);

        String rv = Poll.until(
                        Duration.ofSeconds(20),
                        "v1.test.kubelite.io Available True (Passed)",
                        () -> b.get(APISERVICE).json(),
                        j -> j.path("status")
                                .path("conditions")
                                .path(0)
                                .path("reason")
                                .asText()
                                .equals("Passed"))
                .path("metadata")
                .path("resourceVersion")
                .asText();
        String appsRv = a.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.apps")
                .json()
                .path("metadata")
                .path("resourceVersion")
                .asText();
        Poll.holds(
                Duration.ofSeconds(2),
                "no replica rewrites an unchanged condition (resourceVersion " + rv + ")",
                () -> {
                    assertThat(a.get(APISERVICE)
                                    .json()
                                    .path("metadata")
                                    .path("resourceVersion")
                                    .asText())
                            .isEqualTo(rv);
                    assertThat(b.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.apps")
                                    .json()
                                    .path("metadata")
                                    .path("resourceVersion")
                                    .asText())
                            .isEqualTo(appsRv);
                });
        for (TestApiServer s : List.of(a, b)) {
            Poll.until(
                    Duration.ofSeconds(10),
                    "the widgets list through " + s.url(),
                    () -> s.get("/apis/test.kubelite.io/v1/namespaces/default/widgets")
                            .body(),
                    body -> body.contains("WidgetList"));
        }
        assertThat(a.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.apps")
                        .json()
                        .path("status")
                        .path("conditions")
                        .path(0)
                        .path("message")
                        .asText())
                .isEqualTo("Local APIServices are always available");
    }
}
