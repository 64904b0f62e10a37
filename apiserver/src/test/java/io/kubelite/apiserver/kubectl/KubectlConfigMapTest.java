package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ConfigMaps through the real kubectl: create from literals and files, get, describe, delete. */
class KubectlConfigMapTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void createFromLiteralsAndFilesThenGetDescribeAndDelete() throws Exception {
        Path file = CLUSTER.dir().resolve("app.properties");
        Files.writeString(file, "color=blue\nmode=fast\n");
        assertThat(kubectl.run(
                                "create",
                                "configmap",
                                "web-config",
                                "--from-literal=greeting=hello",
                                "--from-file=" + file)
                        .ok())
                .isEqualTo("configmap/web-config created\n");

        assertThat(kubectl.run("get", "cm", "-o", "name").ok()).isEqualTo("configmap/web-config\n");
        assertThat(kubectl.run("get", "configmap", "web-config", "--no-headers").ok())
                .startsWith("web-config ");
        assertThat(kubectl.run("get", "cm", "web-config", "-o", "jsonpath={.data.greeting}")
                        .ok())
                .isEqualTo("hello");
        // kubectl prints the data keys in Go's map order, which is random: either order is kubectl's
        String head = "Name:         web-config\n"
                + "Namespace:    default\n"
                + "Labels:       <none>\n"
                + "Annotations:  <none>\n"
                + "\n"
                + "Data\n"
                + "====\n";
        String props = "app.properties:\n----\ncolor=blue\nmode=fast\n\n\n";
        String greeting = "greeting:\n----\nhello\n\n";
        String tail = "\nBinaryData\n====\n\nEvents:  <none>\n";
        assertThat(kubectl.run("describe", "cm", "web-config").ok())
                .isIn(head + props + greeting + tail, head + greeting + props + tail);
        assertThat(kubectl.run("delete", "cm", "web-config").ok()).isEqualTo("configmap \"web-config\" deleted\n");
        assertThat(kubectl.run("get", "cm", "web-config").err()).contains("configmaps \"web-config\" not found");
    }

    @Test
    void anImmutableConfigMapRefusesDataChanges() {
        kubectl.run("create", "configmap", "frozen", "--from-literal=a=1").ok();
        assertThat(kubectl.run("patch", "cm", "frozen", "-p", "{\"immutable\":true}")
                        .ok())
                .isEqualTo("configmap/frozen patched\n");
        Kubectl.Result r = kubectl.run("patch", "cm", "frozen", "-p", "{\"data\":{\"a\":\"2\"}}");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("The ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable`"
                        + " is set");
        assertThat(kubectl.run("get", "cm", "frozen", "-o", "jsonpath={.data.a}")
                        .ok())
                .isEqualTo("1");
    }
}
