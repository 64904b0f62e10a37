package io.kubelite.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI documents over HTTP follow the CRDs: an established CRD's served versions get a
 * document per group version (kube's definition names, the GVK extension, ObjectMeta and ListMeta
 * references, a PATCH without strategic merge patch), the index's hash changes with the schema,
 * the Swagger 2.0 flavour is stripped as kube strips it, and a deleted CRD's documents go.
 */
class CustomResourceOpenApiTest {
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

    static String crd(String extraSpecProperty) {
        return """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.shop.example.org"},
                 "spec":{"group":"shop.example.org","scope":"Namespaced",
                  "names":{"plural":"widgets","singular":"widget","kind":"Widget"},
                  "versions":[
                   {"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                    "schema":{"openAPIV3Schema":{"type":"object","description":"A widget.","properties":{
                     "spec":{"type":"object","required":["size"],"properties":{
                      "size":{"type":"integer","minimum":1,"description":"how big"},
                      "port":{"x-kubernetes-int-or-string":true,"nullable":true},
                      "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
                      "template":{"type":"object","x-kubernetes-embedded-resource":true,
                       "x-kubernetes-preserve-unknown-fields":true}%s}},
                     "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}},
                   {"name":"v1alpha1","served":true,"storage":false,
                    "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                   {"name":"v0","served":false,"storage":false,
                    "schema":{"openAPIV3Schema":{"type":"object"}}}]}}
                """.formatted(extraSpecProperty);
    }

    static String url(String gv) {
        return api.get("/openapi/v3")
                .json()
                .path("paths")
                .path(gv)
                .path("serverRelativeURL")
                .asText();
    }

    @Test
    void aCrdsServedVersionsArePublishedAndFollowItsChangesAndDeletion() {
        assertThat(url("apis/shop.example.org/v1")).isEmpty();
        assertThat(api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd(""))
                        .code())
                .isEqualTo(201);
        String first = Poll.until(
                Duration.ofSeconds(10),
                "the v3 index to list apis/shop.example.org/v1",
                () -> url("apis/shop.example.org/v1"),
                u -> !u.isEmpty());
        assertThat(first).startsWith("/openapi/v3/apis/shop.example.org/v1?hash=");
        assertThat(url("apis/shop.example.org/v1alpha1"))
                .as("a second served version")
                .isNotEmpty();
        assertThat(url("apis/shop.example.org/v0")).as("a version not served").isEmpty();

        JsonNode doc = api.get(first).json();
        JsonNode schemas = doc.path("components").path("schemas");
        JsonNode widget = schemas.path("org.example.shop.v1.Widget");
        assertThat(widget.path("x-kubernetes-group-version-kind").toString())
                .isEqualTo("[{\"group\":\"shop.example.org\",\"kind\":\"Widget\",\"version\":\"v1\"}]");
        assertThat(widget.path("description").asText()).isEqualTo("A widget.");
        assertThat(widget.path("properties")
                        .path("metadata")
                        .path("allOf")
                        .path(0)
                        .path("$ref")
                        .asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(widget.path("properties").path("apiVersion").path("type").asText())
                .isEqualTo("string");
        JsonNode template =
                widget.path("properties").path("spec").path("properties").path("template");
        assertThat(template.path("properties")
                        .path("metadata")
                        .path("allOf")
                        .path(0)
                        .path("$ref")
                        .asText())
                .as("an embedded resource has kube's metadata")
                .endsWith("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(template.path("required").toString()).isEqualTo("[\"kind\",\"apiVersion\"]");
        JsonNode size =
                widget.path("properties").path("spec").path("properties").path("size");
        assertThat(size.path("minimum").asInt())
                .as("v3 keeps value validations")
                .isEqualTo(1);
        assertThat(schemas.path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                        .isObject())
                .isTrue();
        JsonNode list = schemas.path("org.example.shop.v1.WidgetList");
        assertThat(list.path("x-kubernetes-group-version-kind")
                        .path(0)
                        .path("kind")
                        .asText())
                .isEqualTo("WidgetList");
        assertThat(list.path("properties")
                        .path("items")
                        .path("items")
                        .path("allOf")
                        .path(0)
                        .path("$ref")
                        .asText())
                .isEqualTo("#/components/schemas/org.example.shop.v1.Widget");
        assertThat(schemas.path("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta").isObject())
                .isTrue();

        JsonNode item = doc.path("paths").path("/apis/shop.example.org/v1/namespaces/{namespace}/widgets/{name}");
        assertThat(item.path("get")
                        .path("x-kubernetes-group-version-kind")
                        .path("kind")
                        .asText())
                .isEqualTo("Widget");
        List<String> patchTypes = new ArrayList<>();
        item.path("patch").path("requestBody").path("content").fieldNames().forEachRemaining(patchTypes::add);
        assertThat(patchTypes)
                .as("no strategic merge patch: kubectl apply then sends a merge patch")
                .containsExactly(
                        "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");

        // Swagger 2.0: value validations, nullable and int-or-string's type stripped; a root that keeps unknown fields
        // is bare
        JsonNode v2 = api.get("/openapi/v2").json().path("definitions");
        JsonNode v2Spec =
                v2.path("org.example.shop.v1.Widget").path("properties").path("spec");
        assertThat(v2Spec.path("properties").path("size").toString())
                .isEqualTo("{\"description\":\"how big\",\"type\":\"integer\"}");
        assertThat(v2Spec.path("properties").path("port").toString()).isEqualTo("{}");
        assertThat(v2.path("org.example.shop.v1alpha1.Widget").toString())
                .isEqualTo("{\"type\":\"object\",\"x-kubernetes-group-version-kind\":"
                        + "[{\"group\":\"shop.example.org\",\"kind\":\"Widget\",\"version\":\"v1alpha1\"}]}");

        // a schema change makes a new hash (so kubectl refetches); the old ETag no longer matches
        Resp before = api.get(first);
        String etag = before.header("ETag").get(0);
        assertThat(api.request("GET", first, null, null, Map.of("If-None-Match", etag))
                        .code())
                .isEqualTo(304);
        String changed = crd(",\"color\":{\"type\":\"string\"}");
        assertThat(api.put("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.shop.example.org", changed)
                        .code())
                .isEqualTo(200);
        String second = Poll.until(
                Duration.ofSeconds(10),
                "the index's hash for apis/shop.example.org/v1 to change with the schema",
                () -> url("apis/shop.example.org/v1"),
                u -> !u.equals(first));
        JsonNode color = api.get(second)
                .json()
                .path("components")
                .path("schemas")
                .path("org.example.shop.v1.Widget")
                .path("properties")
                .path("spec")
                .path("properties")
                .path("color");
        assertThat(color.path("type").asText()).isEqualTo("string");
        assertThat(api.request("GET", second, null, null, Map.of("If-None-Match", etag))
                        .code())
                .isEqualTo(200);

        assertThat(api.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.shop.example.org", null)
                        .code())
                .isEqualTo(200);
        Poll.until(
                Duration.ofSeconds(10),
                "the v3 index to drop apis/shop.example.org/v1 once the CRD is deleted",
                () -> url("apis/shop.example.org/v1"),
                String::isEmpty);
        assertThat(api.get("/openapi/v3/apis/shop.example.org/v1").code()).isEqualTo(404);
        assertThat(api.get("/openapi/v2").json().path("definitions").has("org.example.shop.v1.Widget"))
                .isFalse();
    }
}
