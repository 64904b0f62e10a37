package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.testing.AggregatedBackend;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The aggregation layer as the real {@code kubectl} sees it: a backend (HTTPS on 127.0.0.1, a
 * self-signed certificate for {@code test-api.default.svc}) behind a selector-less Service, an
 * EndpointSlice at 127.0.0.1 and an APIService {@code v1.test.kubelite.io} with the certificate as
 * its caBundle. {@code kubectl get apiservices} (local ones and the backend's, True once checked),
 * {@code kubectl api-resources}, {@code kubectl get --raw} through the proxy with the user in the
 * front-proxy headers, a watch streamed through it, RBAC on the aggregated resource, kube's
 * validation messages, and the backend's failures: an endpoint at a simulated pod IP, no ready
 * endpoint, the backend stopped — each a 503 and the APIService's condition.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlApiAggregationTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls()
            .rbac()
            .tokenFile("admin-token,admin,uid-1,\"system:masters\"\n")
            // a service account bound to nothing: RBAC lets it list no widgets
            .token(
                    "robot-token",
                    new Auth.User(
                            "system:serviceaccount:other:robot",
                            "uid-2",
                            List.of("system:serviceaccounts", "system:serviceaccounts:other", "system:authenticated"),
                            "other"))
            .setup(s -> s.withApiServiceCheckInterval(Duration.ofMillis(500)));

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String RAW = "/apis/test.kubelite.io/v1/namespaces/default/widgets";

    static AggregatedBackend backend;
    static Kubectl kubectl;
    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        backend = AggregatedBackend.start(CLUSTER.dir().resolve("backend"), "test-api.default.svc");
        kubectl = CLUSTER.kubectl("admin-token");
        api = CLUSTER.api().withToken("admin-token");
        String ca = Base64.getEncoder().encodeToString(backend.caBundle());
        kubectl.run("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: test-api, namespace: default}
                        spec:
                          ports: [{name: https, port: 443, targetPort: %d}]
                        ---
                        apiVersion: apiregistration.k8s.io/v1
                        kind: APIService
                        metadata: {name: v1.test.kubelite.io}
                        spec:
                          group: test.kubelite.io
                          version: v1
                          groupPriorityMinimum: 1000
                          versionPriority: 100
                          caBundle: %s
                          service: {namespace: default, name: test-api}
                        """.formatted(backend.port(), ca), Map.of(), "apply", "-f", "-")
                .ok();
        // written as the EndpointSlice controller writes a host-network pod's slice: to etcd, as kube's
        // validation refuses loopback addresses from clients
        NodeAgents.join(api.store().of(EndpointSliceKind.RESOURCE).create(slice("127.0.0.1", true)));
    }

    static EndpointSlice slice(String address, boolean ready) {
        return EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("test-api-1")
                        .setNamespace("default")
                        .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "test-api"))
                .setAddressType("IPv4")
                .addEndpoints(Endpoint.newBuilder()
                        .addAddresses(address)
                        .setConditions(EndpointConditions.newBuilder().setReady(ready)))
                .addPorts(EndpointPort.newBuilder()
                        .setName("https")
                        .setPort(backend.port())
                        .setProtocol("TCP"))
                .build();
    }

    static void replaceSlice(String address, boolean ready) {
        EndpointSlice want = slice(address, ready);
        NodeAgents.join(api.store()
                .of(EndpointSliceKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        "test-api-1",
                        cur -> cur.toBuilder()
                                .clearEndpoints()
                                .addAllEndpoints(want.getEndpointsList())
                                .build()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    @Order(1)
    void getApiServicesListsLocalOnesAndTheBackendAvailableOnceChecked() {
        String out = Poll.until(
                WAIT,
                "v1.test.kubelite.io default/test-api True, and the local v1.apps and v1.",
                () -> kubectl.run("get", "apiservices").ok(),
                o -> o.lines().anyMatch(l -> l.matches("v1\\.test\\.kubelite\\.io\\s+default/test-api\\s+True\\s+\\S+"))
                        && o.lines().anyMatch(l -> l.matches("v1\\.apps\\s+Local\\s+True\\s+\\S+"))
                        && o.lines().anyMatch(l -> l.matches("v1\\.\\s+Local\\s+True\\s+\\S+")));
        assertThat(out.lines().findFirst().orElseThrow()).matches("NAME\\s+SERVICE\\s+AVAILABLE\\s+AGE");
        JsonNode status = api.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.test.kubelite.io")
                .json()
                .path("status")
                .path("conditions")
                .get(0);
        assertThat(status.path("type").asText()).isEqualTo("Available");
        assertThat(status.path("reason").asText()).isEqualTo("Passed");
        assertThat(status.path("message").asText()).isEqualTo("all checks passed");
        assertThat(api.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.test.kubelite.io")
                        .json()
                        .path("spec")
                        .path("service")
                        .path("port")
                        .asInt())
                .as("the service port defaults to 443")
                .isEqualTo(443);
        assertThat(kubectl.run("explain", "apiservice.spec.service").ok())
                .contains("GROUP:      apiregistration.k8s.io")
                .contains("KIND:       APIService")
                .contains("port\t<integer>");
    }

    @Test
    @Order(2)
    void apiResourcesAndDiscoveryListTheBackendsResources() {
        String out = Poll.until(
                WAIT,
                "widgets in kubectl api-resources --api-group=test.kubelite.io",
                () -> kubectl.run("api-resources", "--api-group=test.kubelite.io")
                        .ok(),
                o -> o.contains("widgets"));
        assertThat(out).containsPattern("widgets\\s+wd\\s+test.kubelite.io/v1\\s+true\\s+Widget");
        assertThat(api.get("/apis").body()).contains("\"name\":\"test.kubelite.io\"");
        assertThat(api.get("/apis/test.kubelite.io")
                        .json()
                        .path("preferredVersion")
                        .path("groupVersion")
                        .asText())
                .isEqualTo("test.kubelite.io/v1");
    }

    @Test
    @Order(3)
    void rawGetIsProxiedWithTheUserInFrontProxyHeaders() throws Exception {
        String out = kubectl.run("get", "--raw", RAW).ok();
        assertThat(out).contains("\"kind\":\"WidgetList\"").contains("\"name\":\"w1\"");
        AggregatedBackend.Seen seen = backend.seen().stream()
                .filter(s -> s.path().equals(RAW))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("the backend saw no " + RAW + "; it saw " + backend.seen()));
        assertThat(seen.user()).isEqualTo("admin");
        assertThat(seen.groups()).contains("system:masters", "system:authenticated");
        assertThat(seen.authorization())
                .as("the client's credentials stay with the API server")
                .isNull();

        try (TestApiServer.Watch w = api.watch(RAW + "?watch=true")) {
            JsonNode event = w.next();
            assertThat(event.path("type").asText()).isEqualTo("ADDED");
            assertThat(event.path("object").path("metadata").path("name").asText())
                    .isEqualTo("w1");
        }

        Kubectl.Result denied = CLUSTER.kubectl("robot-token").run("get", "--raw", RAW);
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.err())
                .contains(
                        "widgets.test.kubelite.io is forbidden: User \"system:serviceaccount:other:robot\" cannot list resource \"widgets\" in API group"
                                + " \"test.kubelite.io\" in the namespace \"default\"");
    }

    @Test
    @Order(4)
    void invalidApiServicesAreRejectedWithKubesMessages() {
        Kubectl.Result r = kubectl.run("""
                apiVersion: apiregistration.k8s.io/v1
                kind: APIService
                metadata: {name: v1.wrong.io}
                spec:
                  group: test2.kubelite.io
                  version: v1
                  groupPriorityMinimum: 0
                  versionPriority: 100
                  insecureSkipTLSVerify: true
                  caBundle: Zm9v
                  service: {namespace: default, name: x}
                """, Map.of(), "create", "-f", "-");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err())
                .contains("The APIService \"v1.wrong.io\" is invalid")
                .contains("metadata.name: Invalid value: \"v1.wrong.io\": must be `spec.version+\".\"+spec.group`:"
                        + " \"v1.test2.kubelite.io\"")
                .contains("spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000")
                .contains("spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present");
        assertThat(kubectl.run("get", "apiservices", "v1.wrong.io").err()).contains("NotFound");
    }

    @Test
    @Order(5)
    void anEndpointAtASimulatedPodIpOrNoReadyOneIsUnavailable() {
        kubectl.run(
                        "patch",
                        "endpointslice",
                        "test-api-1",
                        "--type=json",
                        "-p",
                        "[{\"op\":\"replace\",\"path\":\"/endpoints/0/addresses\",\"value\":[\"10.244.0.9\"]}]")
                .ok();
        awaitAvailable("False (FailedDiscoveryCheck)");
        assertUnavailable();

        replaceSlice("127.0.0.1", false);
        awaitAvailable("False (MissingEndpoints)");
        assertUnavailable();

        replaceSlice("127.0.0.1", true);
        awaitAvailable("True");
        assertThat(kubectl.run("get", "--raw", RAW).ok()).contains("WidgetList");
    }

    @Test
    @Order(6)
    void aStoppedBackendFailsTheDiscoveryCheck() throws Exception {
        backend.stop();
        awaitAvailable("False (FailedDiscoveryCheck)");
        String message = api.get("/apis/apiregistration.k8s.io/v1/apiservices/v1.test.kubelite.io")
                .json()
                .path("status")
                .path("conditions")
                .get(0)
                .path("message")
                .asText();
        assertThat(message)
                .startsWith("failing or missing response from https://127.0.0.1:" + backend.port()
                        + "/apis/test.kubelite.io/v1");
        assertUnavailable();
        assertThat(kubectl.run("api-resources", "--api-group=test.kubelite.io").out())
                .as("an unavailable group-version leaves discovery")
                .doesNotContain("widgets");
    }

    private static void awaitAvailable(String cell) {
        Poll.until(
                WAIT,
                "v1.test.kubelite.io's AVAILABLE " + cell,
                () -> kubectl.run("get", "apiservice", "v1.test.kubelite.io").ok(),
                o -> o.lines()
                        .anyMatch(l -> l.matches("v1\\.test\\.kubelite\\.io\\s+default/test-api\\s+"
                                + java.util.regex.Pattern.quote(cell) + "\\s+\\S+")));
    }

    private static void assertUnavailable() {
        TestApiServer.Resp r = api.get(RAW);
        assertThat(r.code()).as("%s", r.body()).isEqualTo(503);
        assertThat(r.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(r.json().path("message").asText()).isEqualTo("service unavailable");
        Kubectl.Result k = kubectl.run("get", "--raw", RAW);
        assertThat(k.exitCode()).isNotZero();
        assertThat(k.err()).contains("service unavailable");
    }
}
