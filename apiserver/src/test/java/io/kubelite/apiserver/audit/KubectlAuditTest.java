package io.kubelite.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit log as a cluster admin sees it: the real kubectl against an API server started with
 * a policy (secrets at Metadata, configmaps at RequestResponse without managed fields, other
 * writes at Request, the rest at Metadata, discovery and health not at all, no RequestReceived).
 */
class KubectlAuditTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Path DIR = tempDir();
    static final Path LOG = DIR.resolve("audit").resolve("audit.log");
    static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            rules:
            - level: None
              nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"]
            - level: Metadata
              resources: [{group: "", resources: [secrets]}]
            - level: RequestResponse
              omitManagedFields: true
              resources: [{group: "", resources: [configmaps]}]
            - level: Request
              verbs: [create, update, patch, delete, deletecollection]
            - level: Metadata
            """;

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.clientCerts()
            .setup(s -> s.withAudit(new AuditConfig(
                    AuditPolicy.parse(POLICY), new AuditLog.Target(LOG, 1024L * 1024L, 3, Duration.ZERO))));

    final Kubectl kubectl = CLUSTER.kubectl();

    static Path tempDir() {
        try {
            return Files.createTempDirectory("kubectl-audit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        try {
            if (!Files.exists(LOG)) {
                return out;
            }
            for (String line : Files.readAllLines(LOG)) {
                out.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Waits for the events {@code match} picks, until {@code enough} of them are there. */
    static List<JsonNode> await(String what, Predicate<JsonNode> match, int enough) {
        return Poll.until(WAIT, what, () -> events().stream().filter(match).toList(), found -> found.size() >= enough);
    }

    static Predicate<JsonNode> on(String verb, String resource, String name) {
        return e -> e.path("verb").asText().equals(verb)
                && e.path("objectRef").path("resource").asText().equals(resource)
                && e.path("objectRef").path("name").asText().equals(name);
    }

    @Test
    void aSecretIsAuditedWithoutItsData() throws Exception {
        kubectl.run("create", "secret", "generic", "db", "--from-literal=password=hunter2")
                .ok();
        JsonNode e = await(
                        "secret create at ResponseComplete",
                        on("create", "secrets", "")
                                .and(ev -> ev.path("stage").asText().equals("ResponseComplete")),
                        1)
                .get(0);
        assertThat(e.path("level").asText()).isEqualTo("Metadata");
        assertThat(e.path("user").path("username").asText()).isEqualTo("kubernetes-admin");
        assertThat(e.path("user").path("groups").toString()).contains("system:masters");
        assertThat(e.path("objectRef").path("namespace").asText()).isEqualTo("default");
        assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(201);
        assertThat(e.path("userAgent").asText()).startsWith("kubectl/");
        assertThat(e.path("sourceIPs").toString()).contains("127.0.0.1");
        assertThat(e.path("annotations").path("authorization.k8s.io/decision").asText())
                .isEqualTo("allow");
        assertThat(e.has("requestObject")).isFalse();
        assertThat(Files.readString(LOG)).doesNotContain("hunter2").doesNotContain("aHVudGVyMg==");
    }

    @Test
    void aConfigMapIsAuditedWithRequestAndResponseButNoManagedFields() {
        kubectl.run("create", "configmap", "settings", "--from-literal=color=blue")
                .ok();
        JsonNode e = await(
                        "configmap create",
                        on("create", "configmaps", "")
                                .and(ev -> ev.path("stage").asText().equals("ResponseComplete")),
                        1)
                .get(0);
        assertThat(e.path("level").asText()).isEqualTo("RequestResponse");
        assertThat(e.path("requestObject").path("data").path("color").asText()).isEqualTo("blue");
        assertThat(e.path("responseObject").path("metadata").path("name").asText())
                .isEqualTo("settings");
        assertThat(e.path("responseObject").path("metadata").has("managedFields"))
                .isFalse();
        assertThat(e.path("responseObject").path("metadata").path("uid").asText())
                .isNotEmpty();
    }

    @Test
    void aFailureRecordsItsStatusAndNoRequestReceivedStageIsWritten() {
        Kubectl.Result r = kubectl.run("get", "pod", "nowhere");
        assertThat(r.err()).contains("pods \"nowhere\" not found");
        JsonNode e =
                await("get of a missing pod", on("get", "pods", "nowhere"), 1).get(0);
        assertThat(e.path("level").asText()).isEqualTo("Metadata");
        assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(404);
        assertThat(e.path("responseStatus").path("reason").asText()).isEqualTo("NotFound");
        assertThat(e.path("responseStatus").has("kind")).isFalse();
        assertThat(events()).noneMatch(ev -> ev.path("stage").asText().equals("RequestReceived"));
        assertThat(events())
                .as("discovery and health are at level None")
                .noneMatch(ev -> ev.path("requestURI").asText().startsWith("/api?")
                        || ev.path("requestURI").asText().equals("/api")
                        || ev.path("requestURI").asText().startsWith("/healthz"));
    }

    @Test
    void aWatchHasAStartedAndACompleteEventWithOneAuditId() {
        Kubectl.Result r = kubectl.run("get", "pods", "--watch", "--request-timeout=2s");
        assertThat(r.exitCode()).as(r.err()).isIn(0, 1);
        List<JsonNode> watch = await(
                "a pods watch, started and completed",
                e -> e.path("verb").asText().equals("watch"),
                2);
        String id = watch.get(0).path("auditID").asText();
        assertThat(watch)
                .filteredOn(e -> e.path("auditID").asText().equals(id))
                .extracting(e -> e.path("stage").asText())
                .containsExactly("ResponseStarted", "ResponseComplete");
    }

    @Test
    void theAuditIdHeaderNamesTheEvent() {
        TestApiServer.Resp resp = CLUSTER.api().get("/api/v1/namespaces");
        String id = resp.header("Audit-Id").get(0);
        JsonNode e = await(
                        "the event of audit ID " + id,
                        ev -> ev.path("auditID").asText().equals(id),
                        1)
                .get(0);
        assertThat(e.path("requestURI").asText()).isEqualTo("/api/v1/namespaces");
        assertThat(e.path("verb").asText()).isEqualTo("list");
    }

    @Test
    void aFailedAuthenticationIsAuditedWithoutAUser() throws Exception {
        // trusts the cluster CA, presents no client certificate: the bad token is all there is
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CLUSTER.pki().ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> resp = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(CLUSTER.url() + "/api/v1/namespaces/default/pods?audit-probe=1"))
                                .header("Authorization", "Bearer not-a-token")
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).isEqualTo(401);
        JsonNode e = await(
                        "the failed authentication",
                        ev -> ev.path("requestURI").asText().contains("audit-probe=1"),
                        1)
                .get(0);
        assertThat(e.path("stage").asText()).isEqualTo("ResponseStarted");
        assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(401);
        assertThat(e.path("responseStatus").path("message").asText())
                .isEqualTo("Authentication failed, attempted: bearer");
        assertThat(e.path("user").has("username")).isFalse();
        assertThat(resp.headers().firstValue("Audit-Id"))
                .contains(e.path("auditID").asText());
    }
}
