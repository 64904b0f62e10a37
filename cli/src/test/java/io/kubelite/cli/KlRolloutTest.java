package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kl rollout status|history|undo} and {@code kl scale deploy} against a real API server. No
 * controller runs: the test writes the ReplicaSets and the status the Deployment controller would,
 * so every output is exact.
 */
class KlRolloutTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
    static final String REPLICASETS = "/apis/apps/v1/namespaces/default/replicasets";

    static TestApiServer api;

    record Result(int code, String out, String err) {}

    static Result kl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--server=" + api.url();
        full[1] = "--token=";
        System.arraycopy(args, 0, full, 2, args.length);
        int code = Kl.run(
                full,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HOME", "/nonexistent"),
                java.time.Clock.systemUTC());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String template(String image, String hash) {
        String labels = hash == null ? "{\"app\":\"web\"}" : "{\"app\":\"web\",\"pod-template-hash\":\"" + hash + "\"}";
        return "{\"metadata\":{\"labels\":" + labels + "},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\""
                + image + "\"}]}}";
    }

    static void replicaSet(String uid, String hash, String image, int replicas, String revision, String cause) {
        String annotations = "{\"deployment.kubernetes.io/revision\":\"" + revision + "\""
                + (cause == null ? "" : ",\"kubernetes.io/change-cause\":\"" + cause + "\"") + "}";
        String body = "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"web-" + hash
                + "\",\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"" + hash + "\"},\"annotations\":"
                + annotations + ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"name\":\"web\",\"uid\":\"" + uid + "\",\"controller\":true,\"blockOwnerDeletion\":true}]},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"web\","
                + "\"pod-template-hash\":\"" + hash + "\"}},\"template\":" + template(image, hash) + "}}";
        assertThat(api.post(REPLICASETS, body).code()).isEqualTo(201);
    }

    static JsonNode web() {
        return api.get(DEPLOYMENTS + "/web").json();
    }

    /** Writes the status the Deployment controller would, observed at the current generation. */
    static void status(int replicas, int updated, int available, String progressingReason) {
        JsonNode d = web();
        String conditions = progressingReason == null
                ? "[]"
                : "[{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":\"" + progressingReason + "\"}]";
        String body = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                + "\"status\":{\"observedGeneration\":"
                + d.path("metadata").path("generation").asLong()
                + ",\"replicas\":" + replicas + ",\"updatedReplicas\":" + updated + ",\"availableReplicas\":"
                + available + ",\"conditions\":" + conditions + "}}";
        assertThat(api.patch(DEPLOYMENTS + "/web/status", "application/merge-patch+json", body)
                        .code())
                .isEqualTo(200);
    }

    @Test
    void historyUndoStatusAndScale() {
        String created = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
                + "\"annotations\":{\"kubernetes.io/change-cause\":\"update to 1.27\"}},\"spec\":{\"replicas\":2,"
                + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":" + template("nginx:1.27", null)
                + "}}";
        assertThat(api.post(DEPLOYMENTS, created).code()).isEqualTo(201);
        String uid = web().path("metadata").path("uid").asText();
        replicaSet(uid, "aaa", "nginx:1.25", 0, "1", "create");
        replicaSet(uid, "bbb", "nginx:1.27", 2, "2", "update to 1.27");

        Result history = kl("rollout", "history", "deployment/web");
        assertThat(history.code()).as(history.err()).isZero();
        assertThat(history.out())
                .isEqualTo(
                        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         create\n2         update to 1.27\n\n");

        // status: kubectl's messages, and the deadline as an error
        status(2, 2, 1, null);
        assertThat(kl("rollout", "status", "deployment/web", "--watch=false").out())
                .isEqualTo(
                        "Waiting for deployment \"web\" rollout to finish: 1 of 2 updated replicas are available...\n");
        status(3, 2, 2, null);
        assertThat(kl("rollout", "status", "deploy", "web", "--watch=false").out())
                .isEqualTo(
                        "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...\n");
        status(2, 2, 2, null);
        assertThat(kl("rollout", "status", "deployment/web").out())
                .isEqualTo("deployment \"web\" successfully rolled out\n");
        status(2, 1, 1, "ProgressDeadlineExceeded");
        Result deadline = kl("rollout", "status", "deployment/web");
        assertThat(deadline.code()).isEqualTo(1);
        assertThat(deadline.err()).isEqualTo("error: deployment \"web\" exceeded its progress deadline\n");

        // undo: revision 1's template and annotations, without the hash label
        Result undo = kl("rollout", "undo", "deployment/web");
        assertThat(undo.code()).as(undo.err()).isZero();
        assertThat(undo.out()).isEqualTo("deployment.apps/web rolled back\n");
        JsonNode d = web();
        assertThat(d.path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .path(0)
                        .path("image")
                        .asText())
                .isEqualTo("nginx:1.25");
        assertThat(d.path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels")
                        .has("pod-template-hash"))
                .isFalse();
        assertThat(d.path("metadata")
                        .path("annotations")
                        .path("kubernetes.io/change-cause")
                        .asText())
                .isEqualTo("create");
        assertThat(kl("rollout", "undo", "deployment/web", "--to-revision=1").out())
                .isEqualTo("deployment.apps/web skipped rollback (current template already matches revision 1)\n");
        Result missing = kl("rollout", "undo", "deployment/web", "--to-revision=7");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: unable to find specified revision 7 in history\n");
        assertThat(api.patch(DEPLOYMENTS + "/web", "application/merge-patch+json", "{\"spec\":{\"paused\":true}}")
                        .code())
                .isEqualTo(200);
        assertThat(kl("rollout", "undo", "deployment/web", "--to-revision=2").err())
                .isEqualTo("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout"
                        + " resume' and try again\n");

        // scale goes through deployments/scale
        Result scale = kl("scale", "deploy", "web", "--replicas=3");
        assertThat(scale.out()).as(scale.err()).isEqualTo("deployment.apps/web scaled\n");
        assertThat(web().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(kl("get", "deploy").out())
                .startsWith("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/3     1            1           ");
        assertThat(kl("rollout", "status", "pod/x").err()).contains("only deployments roll out");
    }

    @Test
    void pauseResumeAndRestartAsKubectlPatchesThem() {
        String api1 = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"api\"},"
                + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"api\"}},\"template\":"
                + "{\"metadata\":{\"labels\":{\"app\":\"api\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"api:1\"}]}}}}";
        assertThat(api.post(DEPLOYMENTS, api1).code()).isEqualTo(201);
        String agent = "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"agent\"},"
                + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"agent\"}},\"template\":"
                + "{\"metadata\":{\"labels\":{\"app\":\"agent\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"agent:1\"}]}}}}";
        assertThat(api.post("/apis/apps/v1/namespaces/default/daemonsets", agent)
                        .code())
                .isEqualTo(201);

        // pause: only deployments, once
        Result pause = kl("rollout", "pause", "deployment/api");
        assertThat(pause.out()).as(pause.err()).isEqualTo("deployment.apps/api paused\n");
        assertThat(api.get(DEPLOYMENTS + "/api")
                        .json()
                        .path("spec")
                        .path("paused")
                        .asBoolean())
                .isTrue();
        Result again = kl("rollout", "pause", "deploy", "api");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: deployments.apps \"api\" is already paused\n");
        Result ds = kl("rollout", "pause", "ds/agent");
        assertThat(ds.code()).isEqualTo(1);
        assertThat(ds.err()).isEqualTo("error: daemonsets.apps \"agent\" pausing is not supported\n");

        // restart refuses a paused deployment
        Result paused = kl("rollout", "restart", "deployment/api");
        assertThat(paused.code()).isEqualTo(1);
        assertThat(paused.err())
                .isEqualTo("error: deployments.apps \"api\" can't restart paused deployment (run rollout resume"
                        + " first)\n");

        // resume: only a paused deployment
        Result resume = kl("rollout", "resume", "deployment/api");
        assertThat(resume.out()).as(resume.err()).isEqualTo("deployment.apps/api resumed\n");
        assertThat(api.get(DEPLOYMENTS + "/api")
                        .json()
                        .path("spec")
                        .path("paused")
                        .asBoolean())
                .isFalse();
        assertThat(kl("rollout", "resume", "deployment/api").err())
                .isEqualTo("error: deployments.apps \"api\" is not paused\n");
        assertThat(kl("rollout", "resume", "daemonset/agent").err())
                .isEqualTo("error: daemonsets.apps \"agent\" resuming is not supported\n");

        // restart: the template's restartedAt annotation, for deployments and daemonsets (statefulsets too)
        Result restart = kl("rollout", "restart", "deployment/api", "daemonset/agent");
        assertThat(restart.out())
                .as(restart.err())
                .isEqualTo("deployment.apps/api restarted\ndaemonset.apps/agent restarted\n");
        for (String path : List.of(DEPLOYMENTS + "/api", "/apis/apps/v1/namespaces/default/daemonsets/agent")) {
            JsonNode o = api.get(path).json();
            assertThat(o.path("spec")
                            .path("template")
                            .path("metadata")
                            .path("annotations")
                            .path("kubectl.kubernetes.io/restartedAt")
                            .asText())
                    .as(path)
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        }
        assertThat(api.post(
                                "/api/v1/namespaces/default/configmaps",
                                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"}}")
                        .code())
                .isEqualTo(201);
        assertThat(kl("rollout", "restart", "configmap/cm").err())
                .isEqualTo("error: configmaps \"cm\" restarting is not supported\n");
        Result gone = kl("rollout", "restart", "deployment/nope");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("deployments.apps \"nope\" not found");
    }

    /** A ControllerRevision of the DaemonSet hist: kube's getPatch of {@code template}, as the controller writes it. */
    static void revision(String uid, String name, long number, JsonNode template, String cause) {
        com.fasterxml.jackson.databind.node.ObjectNode t = template.deepCopy();
        t.put("$patch", "replace");
        t.with("metadata").putNull("creationTimestamp");
        String annotations = cause == null ? "{}" : "{\"kubernetes.io/change-cause\":\"" + cause + "\"}";
        String body = "{\"apiVersion\":\"apps/v1\",\"kind\":\"ControllerRevision\",\"metadata\":{\"name\":\""
                + name + "\",\"annotations\":" + annotations + ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"DaemonSet\",\"name\":\"hist\",\"uid\":\"" + uid + "\",\"controller\":true}]},"
                + "\"revision\":" + number + ",\"data\":{\"spec\":{\"template\":" + t + "}}}";
        var r = api.post("/apis/apps/v1/namespaces/default/controllerrevisions", body);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    @Test
    void daemonSetHistoryAndUndoFromControllerRevisions() {
        String path = "/apis/apps/v1/namespaces/default/daemonsets";
        String ds = "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"hist\"},"
                + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"hist\"}},\"template\":"
                + "{\"metadata\":{\"labels\":{\"app\":\"hist\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"agent:2\"}]}}}}";
        assertThat(api.post(path, ds).code()).isEqualTo(201);
        JsonNode current = api.get(path + "/hist").json();
        String uid = current.path("metadata").path("uid").asText();
        com.fasterxml.jackson.databind.node.ObjectNode old =
                current.path("spec").path("template").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        old.path("spec").path("containers").path(0))
                .put("image", "agent:1");
        revision(uid, "hist-one", 1, old, "agent 1");
        revision(uid, "hist-two", 2, current.path("spec").path("template"), null);

        Result history = kl("rollout", "history", "daemonset/hist");
        assertThat(history.out())
                .as(history.err())
                .isEqualTo("daemonset.apps/hist \nREVISION  CHANGE-CAUSE\n1         agent 1\n2         <none>\n\n");
        assertThat(kl("rollout", "undo", "ds/hist", "--to-revision=2").out())
                .isEqualTo("daemonset.apps/hist skipped rollback (current template already matches revision 2)\n");
        Result missing = kl("rollout", "undo", "ds/hist", "--to-revision=9");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: unable to find specified revision 9 in history\n");

        Result undo = kl("rollout", "undo", "ds/hist");
        assertThat(undo.out()).as(undo.err()).isEqualTo("daemonset.apps/hist rolled back\n");
        JsonNode after = api.get(path + "/hist").json();
        assertThat(after.path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .path(0)
                        .path("image")
                        .asText())
                .isEqualTo("agent:1");
        assertThat(after.path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels")
                        .path("app")
                        .asText())
                .isEqualTo("hist");
        assertThat(kl("rollout", "undo", "ds/hist", "--to-revision=1").out())
                .isEqualTo("daemonset.apps/hist skipped rollback (current template already matches revision 1)\n");
    }
}
