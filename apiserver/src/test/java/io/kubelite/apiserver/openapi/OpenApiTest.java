package io.kubelite.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.RuntimeConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.kinds.Resource;
import io.kubelite.store.testing.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI documents over HTTP: every registered kind defined under kube's name with its
 * group-version-kind, descriptions from the .proto comments, required fields, patch metadata from
 * the fields' options, kube's scalar types, and the OpenAPI 3 index pointing at per-group-version
 * documents whose PATCH operations accept strategic merge patch and {@code fieldValidation}.
 */
class OpenApiTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

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

    static String definitionName(Resource<?> r) {
        // the Go package the kind's .proto names: io.k8s.api.apps.v1.Deployment,
        // io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition
        return io.kubelite.api.FieldSchema.k8sType(r.prototype().getDescriptorForType());
    }

    @Test
    void v2DefinesEveryKindWithItsGroupVersionKind() {
        Resp v2 = api.get("/openapi/v2");
        assertThat(v2.code()).isEqualTo(200);
        assertThat(v2.header("Content-Type")).containsExactly("application/json");
        JsonNode defs = v2.json().path("definitions");
        for (Resource<? extends Message> r : RuntimeConfig.defaults().served()) {
            JsonNode d = defs.path(definitionName(r));
            assertThat(d.isObject()).as("definition of %s", r).isTrue();
            JsonNode gvk = d.path("x-kubernetes-group-version-kind").path(0);
            assertThat(List.of(
                            gvk.path("group").asText(),
                            gvk.path("version").asText(),
                            gvk.path("kind").asText()))
                    .as("%s", r)
                    .containsExactly(r.group(), r.version(), r.kind());
            assertThat(d.path("properties").path("metadata").path("$ref").asText())
                    .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        }
        assertThat(v2.json().path("swagger").asText()).isEqualTo("2.0");
    }

    @Test
    void v2CarriesPatchMetadataDescriptionsAndRequiredFields() {
        JsonNode defs = api.get("/openapi/v2").json().path("definitions");
        JsonNode podSpec = defs.path("io.k8s.api.core.v1.PodSpec").path("properties");
        assertThat(podSpec.path("containers")
                        .path("x-kubernetes-patch-merge-key")
                        .asText())
                .isEqualTo("name");
        assertThat(podSpec.path("containers")
                        .path("x-kubernetes-patch-strategy")
                        .asText())
                .isEqualTo("merge");
        assertThat(podSpec.path("containers").path("x-kubernetes-list-type").asText())
                .isEqualTo("map");
        assertThat(podSpec.path("containers").path("items").path("$ref").asText())
                .isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
        assertThat(podSpec.path("tolerations").path("x-kubernetes-list-type").asText())
                .isEqualTo("atomic");
        assertThat(podSpec.path("tolerations").has("x-kubernetes-patch-merge-key"))
                .isFalse();
        assertThat(defs.path("io.k8s.api.core.v1.PodSpec").path("required").toString())
                .isEqualTo("[\"containers\"]");

        JsonNode container = defs.path("io.k8s.api.core.v1.Container");
        assertThat(container.path("required").toString()).isEqualTo("[\"name\"]");
        JsonNode ports = container.path("properties").path("ports");
        assertThat(ports.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("containerPort");
        assertThat(ports.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"containerPort\",\"protocol\"]");
        assertThat(container
                        .path("properties")
                        .path("env")
                        .path("x-kubernetes-patch-merge-key")
                        .asText())
                .isEqualTo("name");
        assertThat(container
                        .path("properties")
                        .path("image")
                        .path("description")
                        .asText())
                .startsWith("Container image name.");
        assertThat(container.path("properties").path("resources").path("$ref").asText())
                .endsWith("io.k8s.api.core.v1.ResourceRequirements");
        assertThat(defs.path("io.k8s.api.core.v1.ResourceRequirements")
                        .path("properties")
                        .path("limits")
                        .path("additionalProperties")
                        .path("$ref")
                        .asText())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");

        JsonNode servicePorts =
                defs.path("io.k8s.api.core.v1.ServiceSpec").path("properties").path("ports");
        assertThat(servicePorts.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("port");
        JsonNode meta =
                defs.path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties");
        assertThat(meta.path("ownerReferences")
                        .path("x-kubernetes-patch-merge-key")
                        .asText())
                .isEqualTo("uid");
        assertThat(meta.path("finalizers").path("x-kubernetes-list-type").asText())
                .isEqualTo("set");
        assertThat(meta.path("creationTimestamp").path("$ref").asText())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(defs.path("io.k8s.apimachinery.pkg.apis.meta.v1.Time")
                        .path("format")
                        .asText())
                .isEqualTo("date-time");
        assertThat(defs.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                        .path("format")
                        .asText())
                .isEqualTo("int-or-string");
        assertThat(defs.path("io.k8s.api.core.v1.Secret")
                        .path("properties")
                        .path("data")
                        .path("additionalProperties")
                        .path("format")
                        .asText())
                .isEqualTo("byte");
        assertThat(defs.path("io.k8s.api.coordination.v1.LeaseSpec")
                        .path("properties")
                        .path("renewTime")
                        .path("$ref")
                        .asText())
                .endsWith("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");
    }

    @Test
    void v2AsProtobufOnlyIsNotAcceptable() throws Exception {
        HttpResponse<String> proto = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/openapi/v2"))
                                .header("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(proto.statusCode()).isEqualTo(406);
        HttpResponse<String> either = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/openapi/v2"))
                                .header(
                                        "Accept",
                                        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(either.statusCode()).isEqualTo(200);
    }

    @Test
    void v3IndexPointsAtOneDocumentPerGroupVersion() throws Exception {
        JsonNode paths = api.get("/openapi/v3").json().path("paths");
        List<String> expected = new ArrayList<>();
        for (Resource<? extends Message> r : RuntimeConfig.defaults().served()) {
            String gv = r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
            if (!expected.contains(gv)) {
                expected.add(gv);
            }
        }
        List<String> served = new ArrayList<>();
        paths.fieldNames().forEachRemaining(served::add);
        assertThat(served).containsExactlyElementsOf(expected);

        for (Resource<? extends Message> r : RuntimeConfig.defaults().served()) {
            String gv = r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
            String url = paths.path(gv).path("serverRelativeURL").asText();
            assertThat(url).startsWith("/openapi/v3/" + gv + "?hash=");
            Resp doc = api.get(url);
            assertThat(doc.code()).isEqualTo(200);
            JsonNode schema = doc.json().path("components").path("schemas").path(definitionName(r));
            assertThat(schema.path("x-kubernetes-group-version-kind")
                            .path(0)
                            .path("kind")
                            .asText())
                    .isEqualTo(r.kind());
            assertThat(schema.path("properties")
                            .path("metadata")
                            .path("allOf")
                            .path(0)
                            .path("$ref")
                            .asText())
                    .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            JsonNode patch = patchOperation(doc.json(), r);
            assertThat(patch).as("PATCH of %s", r).isNotNull();
            assertThat(patch.path("requestBody").path("content").has("application/strategic-merge-patch+json"))
                    .isTrue();
            List<String> params = new ArrayList<>();
            patch.path("parameters").forEach(p -> params.add(p.path("name").asText()));
            assertThat(params).contains("fieldValidation", "dryRun", "fieldManager");
        }
        assertThat(api.get("/openapi/v3/apis/nosuch/v1").code()).isEqualTo(404);
    }

    @Test
    void documentsCarryAnEtagAndAnswer304ToIt() throws Exception {
        Resp v3 = api.get("/openapi/v3/api/v1");
        String etag = v3.header("ETag").get(0);
        HttpResponse<String> again = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/openapi/v3/api/v1"))
                                .header("If-None-Match", etag)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
    }

    private static JsonNode patchOperation(JsonNode doc, Resource<?> r) {
        for (JsonNode item : doc.path("paths")) {
            JsonNode gvk = item.path("patch").path("x-kubernetes-group-version-kind");
            if (gvk.path("kind").asText().equals(r.kind())
                    && gvk.path("group").asText().equals(r.group())) {
                return item.path("patch");
            }
        }
        return null;
    }
}
