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
