package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One kind served at several versions from one storage version: HorizontalPodAutoscalers written
 * and read at autoscaling/v1 and v2 (etcd always holds v2), converted both ways by every verb —
 * create, get, list, watch, update, merge patch, server-side apply, Table, field selectors — with
 * what v1 cannot say kept in kube's round-trip annotations; discovery's version order and
 * preferred version; the beta batch/v1beta1 off by default.
 */
class KindVersionsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    static final String V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static String v1Hpa(String name, int cpu) {
        return "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\""
                + name
                + "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
                + "\"maxReplicas\":5,\"targetCPUUtilizationPercentage\":" + cpu + "}}";
    }

    static String v2Hpa(String name) {
        return """
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"%s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
                  "minReplicas":2,"maxReplicas":7,
                  "metrics":[
                   {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}},
                   {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}}],
                  "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}}
                """.formatted(name);
    }

    /** The apiVersion of the etcd envelope of {@code name}, read raw from etcd. */
    static String storedApiVersion(String name) throws Exception {
        Etcd etcd = api.etcd();
        String key = api.store().of(HorizontalPodAutoscalerKind.RESOURCE).key("default", name);
        var kvs = etcd.client()
                .getKVClient()
                .get(Etcd.bytes(key))
                .get(10, TimeUnit.SECONDS)
                .getKvs();
        assertThat(kvs).as("etcd key %s", key).hasSize(1);
        return ObjectCodec.envelope(key, kvs.get(0).getValue().getBytes()).getApiVersion();
    }

    @Test
    void createdAtV1IsStoredAsV2AndReadAtBoth() throws Exception {
        TestApiServer.Resp created = api.post(V1, v1Hpa("from-v1", 50));
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        JsonNode c = created.json();
        assertThat(c.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(c.path("spec").path("targetCPUUtilizationPercentage").asInt())
                .isEqualTo(50);
        assertThat(c.path("spec").path("minReplicas").asInt()).as("defaulted").isEqualTo(1);

        assertThat(storedApiVersion("from-v1")).isEqualTo("autoscaling/v2");

        JsonNode v2 = api.get(V2 + "/from-v1").json();
        assertThat(v2.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(v2.path("spec").path("metrics").toString())
                .isEqualTo("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                        + "{\"type\":\"Utilization\",\"averageUtilization\":50}}}]");
        assertThat(v2.path("metadata").path("annotations").isMissingNode()).isTrue();
    }

    @Test
    void createdAtV2WithTwoMetricsReadsAtV1WithTheOtherInAnnotationsAndAV1UpdateKeepsIt() throws Exception {
        assertThat(api.post(V2, v2Hpa("from-v2")).code()).isEqualTo(201);

        JsonNode v1 = api.get(V1 + "/from-v2").json();
        assertThat(v1.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(v1.path("spec").path("targetCPUUtilizationPercentage").asInt())
                .isEqualTo(60);
        JsonNode ann = v1.path("metadata").path("annotations");
        assertThat(ann.path("autoscaling.alpha.kubernetes.io/metrics").asText())
                .isEqualTo("[{\"type\":\"Pods\",\"pods\":{\"metricName\":\"qps\",\"targetAverageValue\":\"10\"}}]");
        assertThat(ann.path("autoscaling.alpha.kubernetes.io/behavior").asText())
                .contains("\"scaleDown\":{\"stabilizationWindowSeconds\":60")
                .contains("\"scaleUp\":");

        // a v1 client edits what it knows and writes back what it read
        ObjectNode edited = (ObjectNode) v1.deepCopy();
        ((ObjectNode) edited.path("spec")).put("maxReplicas", 9);
        TestApiServer.Resp put = api.put(V1 + "/from-v2", edited.toString());
        assertThat(put.code()).as(put.body()).isEqualTo(200);
        TestApiServer.Resp patched =
                api.patch(V1 + "/from-v2", "application/merge-patch+json", "{\"spec\":{\"minReplicas\":3}}");
        assertThat(patched.code()).as(patched.body()).isEqualTo(200);

        JsonNode v2 = api.get(V2 + "/from-v2").json();
        assertThat(v2.path("spec").path("maxReplicas").asInt()).isEqualTo(9);
        assertThat(v2.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        List<String> metrics = new ArrayList<>();
        v2.path("spec").path("metrics").forEach(m -> metrics.add(m.path("type").asText()));
        // kube's order after a v1 round trip: the annotation's metrics, then the CPU target
        assertThat(metrics).containsExactly("Pods", "Resource");
        assertThat(v2.path("spec")
                        .path("behavior")
                        .path("scaleDown")
                        .path("stabilizationWindowSeconds")
                        .asInt())
                .isEqualTo(60);
        assertThat(v2.path("metadata").path("annotations").isMissingNode())
                .as("round-trip annotations never reach storage: %s", v2)
                .isTrue();
        assertThat(v2.path("metadata").path("generation").asInt()).isEqualTo(3);
        assertThat(storedApiVersion("from-v2")).isEqualTo("autoscaling/v2");
    }

    @Test
    void aWatchAtV1SeesObjectsWrittenAtV2AsV1() throws Exception {
        try (TestApiServer.Watch w = api.watch(V1 + "?watch=1&fieldSelector=metadata.name=watched")) {
            assertThat(api.post(V2, v2Hpa("watched")).code()).isEqualTo(201);
            JsonNode e = w.nextNonBookmark();
            assertThat(e.path("type").asText()).isEqualTo("ADDED");
            assertThat(e.path("object").path("apiVersion").asText()).isEqualTo("autoscaling/v1");
            assertThat(e.path("object")
                            .path("spec")
                            .path("targetCPUUtilizationPercentage")
                            .asInt())
                    .as("event %s", e)
                    .isEqualTo(60);
        }
    }

    @Test
    void tablesAndFieldSelectorsWorkAtEitherVersion() {
        assertThat(api.post(V1, v1Hpa("tabled", 50)).code()).isEqualTo(201);
        for (String path : List.of(V1, V2)) {
            TestApiServer.Resp t = api.get(
                    path + "?fieldSelector=metadata.name%3Dtabled", "application/json;as=Table;v=v1;g=meta.k8s.io");
            assertThat(t.code()).as(t.body()).isEqualTo(200);
            List<String> columns = new ArrayList<>();
            t.json()
                    .path("columnDefinitions")
                    .forEach(c -> columns.add(c.path("name").asText()));
            assertThat(columns)
                    .containsExactly("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age");
            JsonNode rows = t.json().path("rows");
            assertThat(rows).as("%s: %s", path, t.body()).hasSize(1);
            assertThat(rows.get(0).path("cells").toString())
                    .startsWith("[\"tabled\",\"Deployment/web\",\"cpu: <unknown>/50%\",\"1\",5,0,");
        }
    }

    @Test
    void theStatusSubresourceAtV1WritesTheV2Status() {
        assertThat(api.post(V1, v1Hpa("status-v1", 50)).code()).isEqualTo(201);
        JsonNode read = api.get(V1 + "/status-v1").json();
        ObjectNode withStatus = (ObjectNode) read.deepCopy();
        withStatus
                .putObject("status")
                .put("currentReplicas", 2)
                .put("desiredReplicas", 3)
                .put("currentCPUUtilizationPercentage", 35);
        TestApiServer.Resp put = api.put(V1 + "/status-v1/status", withStatus.toString());
        assertThat(put.code()).as(put.body()).isEqualTo(200);

        JsonNode v2 = api.get(V2 + "/status-v1").json();
        assertThat(v2.path("status").path("desiredReplicas").asInt()).isEqualTo(3);
        assertThat(v2.path("status").path("currentMetrics").toString())
                .isEqualTo("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
                        + "{\"averageUtilization\":35}}}]");
        TestApiServer.Resp t = api.get(
                V2 + "?fieldSelector=metadata.name%3Dstatus-v1", "application/json;as=Table;v=v1;g=meta.k8s.io");
        assertThat(t.json().path("rows").get(0).path("cells").get(2).asText()).isEqualTo("cpu: 35%/50%");
        // the main resource keeps the status; a v1 client sees the raw current metrics in the annotation
        JsonNode v1 = api.get(V1 + "/status-v1").json();
        assertThat(v1.path("status").path("currentCPUUtilizationPercentage").asInt())
                .isEqualTo(35);
        assertThat(v1.path("metadata")
                        .path("annotations")
                        .path("autoscaling.alpha.kubernetes.io/current-metrics")
                        .asText())
                .isEqualTo(
                        "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":35}}]");
    }

    @Test
    void serverSideApplyAtV1() {
        String body = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: applied\n"
                + "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 4\n"
                + "  targetCPUUtilizationPercentage: 70\n";
        TestApiServer.Resp r = api.patch(V1 + "/applied?fieldManager=me", "application/apply-patch+yaml", body);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(r.json()
                        .path("metadata")
                        .path("managedFields")
                        .get(0)
                        .path("apiVersion")
                        .asText())
                .isEqualTo("autoscaling/v1");
        JsonNode v2 = api.get(V2 + "/applied").json();
        assertThat(v2.path("spec")
                        .path("metrics")
                        .get(0)
                        .path("resource")
                        .path("target")
                        .path("averageUtilization")
                        .asInt())
                .isEqualTo(70);

        // the same manager applies at v2 next
        String atV2 = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: applied\n"
                + "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 6\n"
                + "  metrics:\n  - type: Resource\n    resource: {name: memory, target: {type: AverageValue, averageValue: 1Gi}}\n";
        TestApiServer.Resp again = api.patch(V2 + "/applied?fieldManager=me", "application/apply-patch+yaml", atV2);
        assertThat(again.code()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("metadata").path("managedFields").toString())
                .as("one entry per manager, at the version of its last apply")
                .startsWith("[{\"manager\":\"me\",\"operation\":\"Apply\",\"apiVersion\":\"autoscaling/v2\"")
                .doesNotContain("autoscaling/v1");
        JsonNode v1 = api.get(V1 + "/applied").json();
        assertThat(v1.path("spec").has("targetCPUUtilizationPercentage"))
                .as("%s", v1)
                .isFalse();
        assertThat(v1.path("spec").path("maxReplicas").asInt()).isEqualTo(6);
        assertThat(v1.path("metadata")
                        .path("annotations")
                        .path("autoscaling.alpha.kubernetes.io/metrics")
                        .asText())
                .isEqualTo(
                        "[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"1Gi\"}}]");
    }

    @Test
    void invalidAtV1IsA422NamingTheField() {
        String bad = v1Hpa("bad", 50).replace("\"maxReplicas\":5", "\"minReplicas\":6,\"maxReplicas\":5");
        TestApiServer.Resp r = api.post(V1, bad);
        assertThat(r.code()).as(r.body()).isEqualTo(422);
        assertThat(r.json().path("message").asText())
                .contains("spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`");
        assertThat(api.get(V2 + "/bad").code()).isEqualTo(404);
    }

    @Test
    void discoveryListsVersionsByPriorityWithThePreferredFirst() throws Exception {
        JsonNode group = api.get("/apis/autoscaling").json();
        assertThat(group.path("preferredVersion").path("version").asText()).isEqualTo("v2");
        assertThat(group.path("versions").toString())
                .isEqualTo("[{\"groupVersion\":\"autoscaling/v2\",\"version\":\"v2\"},"
                        + "{\"groupVersion\":\"autoscaling/v1\",\"version\":\"v1\"}]");
        JsonNode aggregated = api.get("/apis", AGGREGATED).json();
        List<String> autoscaling = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (JsonNode g : aggregated.path("items")) {
            List<String> into = switch (g.path("metadata").path("name").asText()) {
                case "autoscaling" -> autoscaling;
                case "batch" -> batch;
                default -> new ArrayList<>();
            };
            g.path("versions")
                    .forEach(v -> into.add(v.path("version").asText() + ":"
                            + v.path("freshness").asText()));
        }
        assertThat(autoscaling).containsExactly("v2:Current", "v1:Current");
        assertThat(batch).as("beta is off by default").containsExactly("v1:Current");
        assertThat(api.get("/apis/autoscaling/v1").json().path("resources").toString())
                .contains("\"name\":\"horizontalpodautoscalers/status\"");
    }

    @Test
    void openApiDocumentsEachServedVersionsSchema() {
        JsonNode defs = api.get("/openapi/v2").json().path("definitions");
        for (String v : List.of("v1", "v2")) {
            JsonNode d = defs.path("io.k8s.api.autoscaling." + v + ".HorizontalPodAutoscaler");
            assertThat(d.path("x-kubernetes-group-version-kind").toString())
                    .isEqualTo("[{\"group\":\"autoscaling\",\"kind\":\"HorizontalPodAutoscaler\",\"version\":\"" + v
                            + "\"}]");
        }
        assertThat(defs.path("io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec")
                        .path("properties")
                        .has("targetCPUUtilizationPercentage"))
                .isTrue();
        assertThat(defs.path("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec")
                        .path("properties")
                        .has("metrics"))
                .isTrue();
        assertThat(defs.has("io.k8s.api.batch.v1beta1.CronJob"))
                .as("beta is off")
                .isFalse();
        JsonNode v3 = api.get("/openapi/v3/apis/autoscaling/v2").json();
        assertThat(v3.path("components").path("schemas").has("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler"))
                .isTrue();
    }

    @Test
    void aBetaVersionIsOffByDefault() {
        TestApiServer.Resp r = api.get("/apis/batch/v1beta1/namespaces/default/cronjobs");
        assertThat(r.code()).as(r.body()).isEqualTo(404);
        assertThat(r.json().path("message").asText()).contains("batch/v1beta1 is not served");
        assertThat(api.get("/apis/batch/v1beta1").code()).isEqualTo(404);
        assertThat(api.get("/openapi/v3/apis/batch/v1beta1").code()).isEqualTo(404);
        assertThat(api.get("/openapi/v3/apis/autoscaling/v1").code()).isEqualTo(200);
    }
}
