package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Label and annotation limits through the real kubectl: a label value over 63 characters, a label
 * key that is not a qualified name and annotations over 256 KiB each fail with kube's message, and
 * the object is left as it was (same resourceVersion, no new label or annotation).
 */
class KubectlLabelLimitsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final String CM = "limited";

    final Kubectl kubectl = CLUSTER.kubectl();
    String rv;

    @BeforeEach
    void createConfigMap() {
        kubectl.run("delete", "cm", CM, "--ignore-not-found").ok();
        kubectl.run("create", "configmap", CM, "--from-literal=a=1").ok();
        rv = resourceVersion();
    }

    String resourceVersion() {
        return kubectl.run("get", "cm", CM, "-o", "jsonpath={.metadata.resourceVersion}")
                .ok();
    }

    void assertUnchanged() {
        assertThat(resourceVersion())
                .as("resourceVersion after the refused change")
                .isEqualTo(rv);
        assertThat(kubectl.run("get", "cm", CM, "-o", "jsonpath={.metadata.labels}{.metadata.annotations}")
                        .ok())
                .isEmpty();
    }

    @Test
    void aLabelValueOver63CharactersIsRefused() {
        String value = "v".repeat(64);
        // kubectl label checks a value itself, before any request
        Kubectl.Result label = kubectl.run("label", "cm", CM, "app=" + value);
        assertThat(label.exitCode()).isEqualTo(1);
        assertThat(label.err())
                .contains("invalid label value: \"app=" + value + "\": must be no more than 63 characters");
        // a patch carries it to the server, which refuses it in kube's words
        Kubectl.Result patch = kubectl.run(
                "patch", "cm", CM, "--type=merge", "-p", "{\"metadata\":{\"labels\":{\"app\":\"" + value + "\"}}}");
        assertThat(patch.exitCode()).isEqualTo(1);
        assertThat(patch.err())
                .contains("The ConfigMap \"" + CM + "\" is invalid: metadata.labels: Invalid value: \"" + value
                        + "\": must be no more than 63 characters");
        assertUnchanged();
    }

    @Test
    void aLabelKeyThatIsNotAQualifiedNameIsRefused() {
        Kubectl.Result r = kubectl.run("label", "cm", CM, "bad_=v");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("The ConfigMap \"" + CM + "\" is invalid: metadata.labels: Invalid value: \"bad_\": "
                        + "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and"
                        + " end with an alphanumeric character");
        assertUnchanged();
    }

    @Test
    void annotationsOver256KibAreRefused() throws Exception {
        // one byte over kube's total; too long for a command-line argument (128 KiB), so a patch file
        Path patch = CLUSTER.dir().resolve("big-annotation.json");
        Files.writeString(patch, "{\"metadata\":{\"annotations\":{\"big\":\"" + "x".repeat(256 * 1024 - 2) + "\"}}}");
        Kubectl.Result r = kubectl.run("patch", "cm", CM, "--type=merge", "--patch-file=" + patch);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("The ConfigMap \"" + CM + "\" is invalid: metadata.annotations: Too long: must have at most"
                        + " 262144 bytes");
        assertUnchanged();
    }
}
