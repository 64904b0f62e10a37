package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fieldValidation} on create, update and patch, with the messages and warnings
 * kube-apiserver gives for the same bodies (its field validation integration test): Strict a 400
 * naming every unknown and duplicate field, Warn (the default) one Warning each, Ignore nothing.
 */
class FieldValidationTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static final String RS = "/apis/apps/v1/namespaces/default/replicasets";

    /** kube's invalidBodyJSON, for a ReplicaSet (minReadySeconds where kube's has paused). */
    static String invalid(String name) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"dupename\",\"name\":\""
                + name + "\",\"labels\":{\"app\":\"nginx\"},\"unknownMeta\":\"metaVal\"},"
                + "\"spec\":{\"unknown1\":\"val1\",\"unknownDupe\":\"valDupe\",\"unknownDupe\":\"valDupe2\","
                + "\"minReadySeconds\":1,\"minReadySeconds\":2,\"selector\":{\"matchLabels\":{\"app\":\"nginx\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"nginx\"}},\"spec\":{\"containers\":[{"
                + "\"name\":\"nginx\",\"image\":\"nginx:latest\",\"unknownNested\":\"val1\","
                + "\"imagePullPolicy\":\"Always\",\"imagePullPolicy\":\"Never\"}]}}}}";
    }

    static final List<String> WARNINGS = List.of(
            "duplicate field \"metadata.name\"",
            "unknown field \"metadata.unknownMeta\"",
            "unknown field \"spec.unknown1\"",
            "unknown field \"spec.unknownDupe\"",
            "duplicate field \"spec.minReadySeconds\"",
            "unknown field \"spec.template.spec.containers[0].unknownNested\"",
            "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");

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

    static List<String> warnings(Resp r) {
        return r.header("Warning").stream()
                .map(w -> w.substring("299 - \"".length(), w.length() - 1).replace("\\\"", "\""))
                .toList();
    }

    @Test
    void strictCreateNamesEveryUnknownAndDuplicateFieldInDocumentOrder() {
        Resp r = api.post(RS + "?fieldValidation=Strict", invalid("strict"));
        assertThat(r.code()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("reason").asText()).isEqualTo("BadRequest");
        assertThat(r.json().path("message").asText())
                .isEqualTo("ReplicaSet in version \"v1\" cannot be handled as a ReplicaSet: strict decoding error: "
                        + String.join(", ", WARNINGS));
        assertThat(api.get(RS + "/strict").code()).isEqualTo(404);
    }

    @Test
    void warnIsTheDefaultAndSendsOneWarningEach() {
        for (String q : List.of("?fieldValidation=Warn", "")) {
            String name = "warn" + q.length();
            Resp r = api.post(RS + q, invalid(name));
            assertThat(r.code()).as(r.body()).isEqualTo(201);
            assertThat(warnings(r)).containsExactlyElementsOf(WARNINGS);
            // the last of duplicate keys wins, as in Go's decoder
            assertThat(r.json().path("spec").path("minReadySeconds").asInt()).isEqualTo(2);
        }
    }

    @Test
    void ignoreSaysNothing() {
        Resp r = api.post(RS + "?fieldValidation=Ignore", invalid("ignore"));
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Warning")).isEmpty();
    }

    @Test
    void anUnknownDirectiveIsInvalid() {
        Resp r = api.post(RS + "?fieldValidation=strict", invalid("bad"));
        assertThat(r.code()).isEqualTo(422);
        assertThat(r.json().path("message").asText())
                .isEqualTo("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": "
                        + "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    @Test
    void strictUpdate() {
        assertThat(api.post(RS + "?fieldValidation=Ignore", invalid("put")).code())
                .isEqualTo(201);
        Resp r = api.put(RS + "/put?fieldValidation=Strict", invalid("put"));
        assertThat(r.code()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).endsWith("strict decoding error: " + String.join(", ", WARNINGS));
    }

    @Test
    void yamlDuplicatesAreTheYamlDecodersLinesThenTheUnknownFieldsSorted() {
        String yaml = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: dupename\n  name: yaml\n"
                + "  unknownMeta: metaVal\nspec:\n  unknown1: val1\n  minReadySeconds: 1\n  minReadySeconds: 2\n"
                + "  selector:\n    matchLabels: {app: nginx}\n  template:\n    metadata:\n      labels: {app: nginx}\n"
                + "    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";
        Resp strict = api.request("POST", RS + "?fieldValidation=Strict", "application/yaml", yaml);
        assertThat(strict.code()).isEqualTo(400);
        assertThat(strict.json().path("message").asText())
                .endsWith("strict decoding error: yaml: unmarshal errors:\n"
                        + "  line 5: key \"name\" already set in map\n"
                        + "  line 10: key \"minReadySeconds\" already set in map, "
                        + "unknown field \"metadata.unknownMeta\", unknown field \"spec.unknown1\"");
        Resp warn = api.request("POST", RS, "application/yaml", yaml);
        assertThat(warn.code()).as(warn.body()).isEqualTo(201);
        assertThat(warnings(warn))
                .containsExactly(
                        "line 5: key \"name\" already set in map",
                        "line 10: key \"minReadySeconds\" already set in map",
                        "unknown field \"metadata.unknownMeta\"",
                        "unknown field \"spec.unknown1\"");
    }

    @Test
    void patchesReportTheirOwnDuplicatesThenThePatchedObjectsUnknownFieldsSorted() {
        assertThat(api.post(RS, invalid("patched").replace("\"unknownMeta\":\"metaVal\"", "\"uid\":\"\""))
                        .code())
                .isEqualTo(201);
        String patch = "{\"spec\":{\"unknown1\":\"val1\",\"unknownDupe\":\"valDupe\",\"unknownDupe\":\"valDupe2\","
                + "\"minReadySeconds\":3,\"minReadySeconds\":4,\"template\":{\"spec\":{\"containers\":[{"
                + "\"name\":\"nginx\",\"image\":\"nginx:latest\",\"unknownNested\":\"val1\",\"imagePullPolicy\":\"Always\","
                + "\"imagePullPolicy\":\"Never\"}]}}}}";
        List<String> expected = List.of(
                "duplicate field \"spec.unknownDupe\"",
                "duplicate field \"spec.minReadySeconds\"",
                "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
                "unknown field \"spec.template.spec.containers[0].unknownNested\"",
                "unknown field \"spec.unknown1\"",
                "unknown field \"spec.unknownDupe\"");
        for (String type : List.of("application/merge-patch+json", "application/strategic-merge-patch+json")) {
            Resp strict = api.patch(RS + "/patched?fieldValidation=Strict", type, patch);
            assertThat(strict.code()).as(type + ": " + strict.body()).isEqualTo(400);
            assertThat(strict.json().path("message").asText())
                    .endsWith("strict decoding error: " + String.join(", ", expected));
            Resp warn = api.patch(RS + "/patched", type, patch);
            assertThat(warn.code()).as(warn.body()).isEqualTo(200);
            assertThat(warnings(warn)).as(type).containsExactlyElementsOf(expected);
        }
        Resp json = api.patch(
                RS + "/patched",
                "application/json-patch+json",
                "[{\"op\":\"add\",\"path\":\"/spec/unknown1\",\"value\":\"v\",\"foo\":\"bar\"},"
                        + "{\"op\":\"add\",\"path\":\"/spec/unknown2\",\"path\":\"/spec/unknown3\",\"value\":\"v\"}]");
        assertThat(json.code()).as(json.body()).isEqualTo(200);
        assertThat(warnings(json))
                .containsExactly(
                        "json patch unknown field \"[0].foo\"",
                        "json patch duplicate field \"[1].path\"",
                        "unknown field \"spec.unknown1\"",
                        "unknown field \"spec.unknown3\"");
    }
}
