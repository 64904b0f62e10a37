package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server-side apply and managedFields over HTTP: what kube-apiserver answers to the requests
 * clients other than kubectl make (bad apply bodies, missing fieldManager, force on a merge
 * patch), the Update managers every other write records, the status subresource's own
 * manager, and the 409 Status with its FieldManagerConflict causes.
 */
@Timeout(120)
class ServerSideApplyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static final String CM = "/api/v1/namespaces/default/configmaps";
    static final String APPLY = "application/apply-patch+yaml";

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String cm(String name, String data) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n" + data;
    }

    static List<String> managers(JsonNode obj) {
        List<String> out = new ArrayList<>();
        obj.path("metadata")
                .path("managedFields")
                .forEach(m -> out.add(m.path("manager").asText() + "/"
                        + m.path("operation").asText()
                        + (m.path("subresource").asText().isEmpty()
                                ? ""
                                : "/" + m.path("subresource").asText())
                        + " " + m.path("fieldsV1")));
        return out;
    }

    @Test
    void applyCreatesThenConflictsWithStatusCauses() {
        Resp created = api.patch(CM + "/a?fieldManager=one", APPLY, cm("a", "  k: v\n"));
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(managers(created.json())).containsExactly("one/Apply {\"f:data\":{\"f:k\":{}}}");
        assertThat(created.json()
                        .path("metadata")
                        .path("managedFields")
                        .get(0)
                        .path("time")
                        .asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        Resp conflict = api.patch(CM + "/a?fieldManager=two", APPLY, cm("a", "  k: other\n"));
        assertThat(conflict.code()).as(conflict.body()).isEqualTo(409);
        JsonNode status = conflict.json();
        assertThat(status.path("reason").asText()).isEqualTo("Conflict");
        assertThat(status.path("message").asText())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"one\": .data.k");
        JsonNode cause = status.path("details").path("causes").get(0);
        assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
        assertThat(cause.path("message").asText()).isEqualTo("conflict with \"one\"");
        assertThat(cause.path("field").asText()).isEqualTo(".data.k");

        Resp forced = api.patch(CM + "/a?fieldManager=two&force=true", APPLY, cm("a", "  k: other\n"));
        assertThat(forced.code()).as(forced.body()).isEqualTo(200);
        assertThat(managers(forced.json())).containsExactly("two/Apply {\"f:data\":{\"f:k\":{}}}");
    }

    @Test
    void everyOtherWriteRecordsItsUpdateManager() {
        Resp created = api.request(
                "POST",
                CM + "?fieldManager=creator",
                "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"},\"data\":{\"x\":\"1\"}}");
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(managers(created.json())).containsExactly("creator/Update {\"f:data\":{\".\":{},\"f:x\":{}}}");

        Resp patched = api.request(
                "PATCH",
                CM + "/b",
                "application/merge-patch+json",
                "{\"data\":{\"y\":\"2\"}}",
                Map.of("User-Agent", "my-tool/1.2 (linux)"));
        assertThat(patched.code()).as(patched.body()).isEqualTo(200);
        assertThat(managers(patched.json()))
                .as("no fieldManager: the User-Agent's product")
                .containsExactly(
                        "creator/Update {\"f:data\":{\".\":{},\"f:x\":{}}}",
                        "my-tool/Update {\"f:data\":{\"f:y\":{}}}");

        // a PUT of what was read (managedFields included) keeps the entries
        JsonNode read = api.get(CM + "/b").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) read.get("data")).put("x", "3");
        Resp put = api.request("PUT", CM + "/b?fieldManager=editor", "application/json", read.toString());
        assertThat(put.code()).as(put.body()).isEqualTo(200);
        assertThat(managers(put.json()))
                .as("x moved to the editor; the creator keeps the map itself (order: by time, then name)")
                .containsExactlyInAnyOrder(
                        "creator/Update {\"f:data\":{}}",
                        "editor/Update {\"f:data\":{\"f:x\":{}}}",
                        "my-tool/Update {\"f:data\":{\"f:y\":{}}}");

        // [{}] resets them
        Resp reset = api.request(
                "PATCH", CM + "/b", "application/merge-patch+json", "{\"metadata\":{\"managedFields\":[{}]}}");
        assertThat(reset.code()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void badApplyRequestsAreRefusedAndChangeNothing() {
        assertThat(api.patch(CM + "/c?fieldManager=m", APPLY, cm("c", "  k: v\n"))
                        .code())
                .isEqualTo(201);
        String rv = api.get(CM + "/c")
                .json()
                .path("metadata")
                .path("resourceVersion")
                .asText();

        Resp noManager = api.patch(CM + "/c", APPLY, cm("c", "  k: w\n"));
        assertThat(noManager.code()).isEqualTo(422);
        assertThat(noManager.json().path("message").asText())
                .isEqualTo(
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");

        Resp unknown = api.patch(CM + "/c?fieldManager=m", APPLY, cm("c", "  k: w\nbogus: 1\n"));
        assertThat(unknown.code()).isEqualTo(400);
        assertThat(unknown.json().path("message").asText())
                .isEqualTo(
                        "failed to create typed patch object (default/c; /v1, Kind=ConfigMap): .bogus: field not declared in schema");

        Resp version =
                api.patch(CM + "/c?fieldManager=m", APPLY, "apiVersion: v2\nkind: ConfigMap\nmetadata: {name: c}\n");
        assertThat(version.code()).isEqualTo(400);
        assertThat(version.json().path("message").asText())
                .isEqualTo("Incorrect version specified in apply patch. Specified patch version: v2, expected: v1");

        Resp managed = api.patch(
                CM + "/c?fieldManager=m",
                APPLY,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  managedFields: [{manager: x}]\n");
        assertThat(managed.code()).isEqualTo(400);
        assertThat(managed.json().path("message").asText()).isEqualTo("metadata.managedFields must be nil");

        Resp name = api.patch(CM + "/c?fieldManager=m", APPLY, cm("d", "  k: w\n"));
        assertThat(name.code()).isEqualTo(400);

        Resp notYaml = api.patch(CM + "/c?fieldManager=m", APPLY, "[1, 2");
        assertThat(notYaml.code()).isEqualTo(400);

        Resp force = api.patch(CM + "/c?force=true", "application/merge-patch+json", "{\"data\":{\"k\":\"w\"}}");
        assertThat(force.code()).isEqualTo(422);
        assertThat(force.json().path("message").asText())
                .isEqualTo(
                        "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");

        Resp dry = api.patch(CM + "/c?fieldManager=m&dryRun=All", APPLY, cm("c", "  k: dry\n"));
        assertThat(dry.code()).as(dry.body()).isEqualTo(200);
        assertThat(dry.json().path("data").path("k").asText()).isEqualTo("dry");

        JsonNode after = api.get(CM + "/c").json();
        assertThat(after.path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
        assertThat(after.path("data").path("k").asText()).isEqualTo("v");
    }

    @Test
    void statusWritesHaveTheirOwnManagerAndStatusIsNotOwnedThroughTheMainResource() {
        String pod =
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: nginx}\n"
                        + "status: {phase: Running}\n";
        Resp applied = api.patch("/api/v1/namespaces/default/pods/p?fieldManager=me", APPLY, pod);
        assertThat(applied.code()).as(applied.body()).isEqualTo(201);
        assertThat(applied.json()
                        .path("metadata")
                        .path("managedFields")
                        .get(0)
                        .path("fieldsV1")
                        .has("f:status"))
                .isFalse();
        Resp status = api.request(
                "PATCH",
                "/api/v1/namespaces/default/pods/p/status?fieldManager=kubelet",
                "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Running\"}}");
        assertThat(status.code()).as(status.body()).isEqualTo(200);
        assertThat(managers(status.json())).contains("kubelet/Update/status {\"f:status\":{\"f:phase\":{}}}");

        Resp appliedStatus = api.patch(
                "/api/v1/namespaces/default/pods/p/status?fieldManager=probe",
                APPLY,
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus:\n  conditions:\n  - {type: Ready, status: \"True\"}\n");
        assertThat(appliedStatus.code()).as(appliedStatus.body()).isEqualTo(200);
        assertThat(managers(appliedStatus.json()))
                .contains("probe/Apply/status {\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Ready\\\"}\":"
                        + "{\".\":{},\"f:status\":{},\"f:type\":{}}}}}");
        Resp missing = api.patch(
                "/api/v1/namespaces/default/pods/none/status?fieldManager=probe",
                APPLY,
                "apiVersion: v1\nkind: Pod\nmetadata: {name: none}\nstatus: {phase: Running}\n");
        assertThat(missing.code()).as("apply to a subresource creates nothing").isEqualTo(404);
    }
}
