package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.EveryFieldPod;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "No field lost" (issue #15) through the real kubectl and the real API server: the manifest that
 * sets every field of kube's PodSpec, Container, EphemeralContainer and Volume comes back from
 * {@code kubectl get -o json} with its spec unchanged, whether created with {@code kubectl create}
 * or {@code kubectl apply} (which also round-trips it through the server's OpenAPI for its
 * last-applied annotation), and a Deployment's pod template keeps the same spec.
 */
class KubectlEveryPodFieldTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    private static final ObjectMapper JSON = new ObjectMapper();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void createThenGetReturnsEverySpecField() throws Exception {
        JsonNode sent = manifest("every-created");
        assertThat(kubectl.run("create", "-f", write(sent, "created.json")).ok())
                .isEqualTo("pod/every-created created\n");
        JsonNode got = JSON.readTree(
                kubectl.run("get", "pod", "every-created", "-o", "json").ok());
        assertThat(EveryFieldPod.differences(sent.get("spec"), got.get("spec"))).isEmpty();
    }

    @Test
    void applyThenGetReturnsEverySpecField() throws Exception {
        JsonNode sent = manifest("every-applied");
        assertThat(kubectl.run("apply", "-f", write(sent, "applied.json")).ok())
                .isEqualTo("pod/every-applied created\n");
        JsonNode got = JSON.readTree(
                kubectl.run("get", "pod", "every-applied", "-o", "json").ok());
        assertThat(EveryFieldPod.differences(sent.get("spec"), got.get("spec"))).isEmpty();
        // a second apply of the same manifest finds nothing to change
        assertThat(kubectl.run(
                                "apply",
                                "-f",
                                CLUSTER.dir().resolve("applied.json").toString())
                        .ok())
                .isEqualTo("pod/every-applied unchanged\n");
    }

    @Test
    void serverSideApplyThenGetReturnsEverySpecField() throws Exception {
        // server-side apply keys every list of the spec by its list-map keys (volumes and
        // containers by name, volumeMounts by mountPath, hostAliases by ip, ...) to track owners
        JsonNode sent = manifest("every-ssa");
        assertThat(kubectl.run("apply", "--server-side", "-f", write(sent, "ssa.json"))
                        .ok())
                .isEqualTo("pod/every-ssa serverside-applied\n");
        JsonNode got = JSON.readTree(
                kubectl.run("get", "pod", "every-ssa", "-o", "json").ok());
        assertThat(EveryFieldPod.differences(sent.get("spec"), got.get("spec"))).isEmpty();
        assertThat(kubectl.run(
                                "apply",
                                "--server-side",
                                "-f",
                                CLUSTER.dir().resolve("ssa.json").toString())
                        .ok())
                .isEqualTo("pod/every-ssa serverside-applied\n");
    }

    @Test
    void explainDescribesTheNewFieldsWithKubesText() {
        String out =
                kubectl.run("explain", "pods.spec.volumes.secret.defaultMode").ok();
        assertThat(out)
                .contains("FIELD: defaultMode <integer>")
                .contains("defaultMode is Optional: mode bits used to set permissions on created files")
                .contains("decimal values for mode bits. Defaults to 0644.");
        assertThat(kubectl.run("explain", "pods.spec.containers.lifecycle.preStop.sleep")
                        .ok())
                .contains("seconds\t<integer> -required-");
    }

    @Test
    void aDeploymentTemplateKeepsEverySpecField() throws Exception {
        JsonNode pod = manifest("unused");
        ObjectNode spec = ((ObjectNode) pod.get("spec")).deepCopy();
        // what kube refuses in a Deployment's template: a node, a deadline, ephemeral containers
        spec.remove(java.util.List.of("nodeName", "activeDeadlineSeconds", "ephemeralContainers"));
        ObjectNode deployment = JSON.createObjectNode();
        deployment.put("apiVersion", "apps/v1").put("kind", "Deployment");
        deployment.putObject("metadata").put("name", "every-field");
        ObjectNode dspec = deployment.putObject("spec");
        dspec.put("replicas", 0);
        dspec.putObject("selector").putObject("matchLabels").put("app", "web");
        ObjectNode template = dspec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "web");
        template.set("spec", spec);
        assertThat(kubectl.run("apply", "-f", write(deployment, "deployment.json"))
                        .ok())
                .isEqualTo("deployment.apps/every-field created\n");
        JsonNode got = JSON.readTree(
                kubectl.run("get", "deployment", "every-field", "-o", "json").ok());
        assertThat(EveryFieldPod.differences(spec, got.at("/spec/template/spec")))
                .isEmpty();
    }

    @Test
    void patchAndApplyMergeVolumesMountsAndEnvByTheirKeys() throws Exception {
        String v1 = deployment("merge", "{\"name\": \"a\", \"emptyDir\": {}}");
        assertThat(kubectl.run("apply", "-f", writeText(v1, "merge.json")).ok())
                .isEqualTo("deployment.apps/merge created\n");
        // a strategic merge patch adds volume b, a mount of it and env B beside what is there,
        // matching volumes and env by name and mounts by mountPath
        String patch = "{\"spec\":{\"template\":{\"spec\":{"
                + "\"volumes\":[{\"name\":\"b\",\"configMap\":{\"name\":\"cm\"}}],"
                + "\"containers\":[{\"name\":\"c\",\"volumeMounts\":[{\"name\":\"b\",\"mountPath\":\"/b\"}],"
                + "\"env\":[{\"name\":\"B\",\"value\":\"2\"}]}]}}}}";
        assertThat(kubectl.run("patch", "deployment", "merge", "-p", patch).ok())
                .isEqualTo("deployment.apps/merge patched\n");
        JsonNode spec = JSON.readTree(
                        kubectl.run("get", "deployment", "merge", "-o", "json").ok())
                .at("/spec/template/spec");
        assertThat(spec.get("volumes"))
                .isEqualTo(tree("[{\"name\":\"a\",\"emptyDir\":{}},"
                        + "{\"name\":\"b\",\"configMap\":{\"name\":\"cm\",\"defaultMode\":420}}]"));
        assertThat(spec.at("/containers/0/volumeMounts"))
                .isEqualTo(tree("[{\"name\":\"a\",\"mountPath\":\"/a\"},{\"name\":\"b\",\"mountPath\":\"/b\"}]"));
        assertThat(spec.at("/containers/0/env"))
                .isEqualTo(tree("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]"));

        // apply switching volume a's source: kubectl sends $retainKeys (volumes are merge,retainKeys),
        // so the old source goes rather than leaving a volume with two
        String v2 = deployment("merge", "{\"name\": \"a\", \"hostPath\": {\"path\": \"/data\"}}");
        assertThat(kubectl.run("apply", "-f", writeText(v2, "merge.json")).ok())
                .isEqualTo("deployment.apps/merge configured\n");
        JsonNode a = JSON.readTree(
                        kubectl.run("get", "deployment", "merge", "-o", "json").ok())
                .at("/spec/template/spec/volumes/0");
        assertThat(a).isEqualTo(tree("{\"name\":\"a\",\"hostPath\":{\"path\":\"/data\",\"type\":\"\"}}"));
    }

    private static String deployment(String name, String volume) {
        return """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "%s"},
                 "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "%s"}},
                  "template": {"metadata": {"labels": {"app": "%s"}},
                   "spec": {"volumes": [%s],
                    "containers": [{"name": "c", "image": "busybox",
                      "volumeMounts": [{"name": "a", "mountPath": "/a"}],
                      "env": [{"name": "A", "value": "1"}]}]}}}}""".formatted(name, name, name, volume);
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static String writeText(String text, String file) throws Exception {
        Path path = CLUSTER.dir().resolve(file);
        Files.writeString(path, text);
        return path.toString();
    }

    private static JsonNode manifest(String name) throws Exception {
        ObjectNode pod = (ObjectNode) JSON.readTree(EveryFieldPod.json());
        ((ObjectNode) pod.get("metadata")).put("name", name);
        return pod;
    }

    private static String write(JsonNode manifest, String file) throws Exception {
        Path path = CLUSTER.dir().resolve(file);
        Files.writeString(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        return path.toString();
    }
}
