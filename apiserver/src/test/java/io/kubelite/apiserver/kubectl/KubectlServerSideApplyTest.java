package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl's server-side apply: create and re-apply, managedFields as
 * {@code --show-managed-fields} prints them, a conflict with another manager and kubectl's
 * advice, {@code --force-conflicts}, a field no longer applied removed, server dry run, and
 * the move from client-side apply without conflicts. Output as kubectl prints it against a
 * real cluster.
 */
class KubectlServerSideApplyTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    static String configMap(String name, String data) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  labels:\n    app: demo\ndata:\n"
                + data;
    }

    Path write(String file, String text) throws Exception {
        Path p = CLUSTER.dir().resolve(file);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void applyOwnsConflictsForcesAndPrunes() throws Exception {
        Path v1 = write("settings.yaml", configMap("settings", "  color: blue\n  size: large\n"));
        assertThat(kubectl.run("apply", "--server-side", "-f", v1.toString()).ok())
                .isEqualTo("configmap/settings serverside-applied\n");
        String rv = kubectl.run("get", "cm", "settings", "-o", "jsonpath={.metadata.resourceVersion}")
                .ok();
        assertThat(kubectl.run("apply", "--server-side", "-f", v1.toString()).ok())
                .isEqualTo("configmap/settings serverside-applied\n");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "jsonpath={.metadata.resourceVersion}")
                        .ok())
                .as("an apply that changes nothing writes nothing")
                .isEqualTo(rv);

        String yaml = kubectl.run("get", "cm", "settings", "-o", "yaml", "--show-managed-fields")
                .ok();
        assertThat(yaml)
                .contains("  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n"
                        + "      f:data:\n        f:color: {}\n        f:size: {}\n"
                        + "      f:metadata:\n        f:labels:\n          f:app: {}\n"
                        + "    manager: kubectl\n    operation: Apply\n    time: ");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "yaml").ok())
                .as("kubectl hides managedFields by default")
                .doesNotContain("managedFields");

        Path ci = write("ci.yaml", configMap("settings", "  color: red\n"));
        Kubectl.Result conflict = kubectl.run("apply", "--server-side", "--field-manager=ci", "-f", ci.toString());
        assertThat(conflict.exitCode()).as(conflict.out()).isEqualTo(1);
        assertThat(conflict.err())
                .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.color")
                .contains("Please review the fields above--they currently have other managers.");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "jsonpath={.data.color}")
                        .ok())
                .isEqualTo("blue");

        assertThat(kubectl.run("apply", "--server-side", "--field-manager=ci", "--force-conflicts", "-f", ci.toString())
                        .ok())
                .isEqualTo("configmap/settings serverside-applied\n");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "jsonpath={.data}")
                        .ok())
                .isEqualTo("{\"color\":\"red\",\"size\":\"large\"}");
        assertThat(kubectl.run(
                                "get",
                                "cm",
                                "settings",
                                "-o",
                                "jsonpath={range .metadata.managedFields[*]}{.manager}={.fieldsV1.f:data}{\"\\n\"}{end}",
                                "--show-managed-fields")
                        .ok()
                        .lines())
                .as("entries sort by time, then manager")
                .containsExactlyInAnyOrder("kubectl={\"f:size\":{}}", "ci={\"f:color\":{}}");

        // kubectl stops applying size (and color, which ci owns now): size goes, color stays
        Path v2 = write("settings-v2.yaml", configMap("settings", "  shape: round\n"));
        assertThat(kubectl.run("apply", "--server-side", "-f", v2.toString()).ok())
                .isEqualTo("configmap/settings serverside-applied\n");
        assertThat(kubectl.run("get", "cm", "settings", "-o", "jsonpath={.data}")
                        .ok())
                .isEqualTo("{\"color\":\"red\",\"shape\":\"round\"}");
    }

    @Test
    void theReadmeExampleAppliesServerSideTwice() {
        Path example =
                Path.of("..", "examples", "replicaset.yaml").toAbsolutePath().normalize();
        assertThat(kubectl.run("apply", "--server-side", "-f", example.toString())
                        .ok())
                .endsWith(" serverside-applied\n");
        assertThat(kubectl.run("apply", "--server-side", "-f", example.toString())
                        .ok())
                .endsWith(" serverside-applied\n");
        assertThat(kubectl.run(
                                "apply",
                                "--server-side",
                                "-f",
                                example.toString(),
                                "--dry-run=server",
                                "-o",
                                "yaml",
                                "--show-managed-fields")
                        .ok())
                .as("the selector is one atomic value; containers are keyed by name")
                .contains("f:selector: {}")
                .contains("k:{\"name\":");
    }

    @Test
    void serverDryRunChangesNothing() throws Exception {
        Path p = write("dry.yaml", configMap("dry", "  a: \"1\"\n"));
        assertThat(kubectl.run("apply", "--server-side", "--dry-run=server", "-f", p.toString())
                        .ok())
                .isEqualTo("configmap/dry serverside-applied (server dry run)\n");
        Kubectl.Result get = kubectl.run("get", "cm", "dry");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.err()).contains("configmaps \"dry\" not found");
    }

    @Test
    void clientSideApplyMovesToServerSideWithoutConflicts() throws Exception {
        Path v1 = write("moved.yaml", configMap("moved", "  a: \"1\"\n  b: \"2\"\n"));
        assertThat(kubectl.run("apply", "-f", v1.toString()).ok()).isEqualTo("configmap/moved created\n");
        Path v2 = write("moved-v2.yaml", configMap("moved", "  a: \"10\"\n  b: \"2\"\n"));
        assertThat(kubectl.run("apply", "--server-side", "-f", v2.toString()).ok())
                .isEqualTo("configmap/moved serverside-applied\n");
        assertThat(kubectl.run("get", "cm", "moved", "-o", "jsonpath={.data.a}").ok())
                .isEqualTo("10");
        assertThat(kubectl.run(
                                "get",
                                "cm",
                                "moved",
                                "-o",
                                "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}")
                        .ok())
                .as("server-side apply keeps the client-side annotation current")
                .contains("\"a\":\"10\"");
        // and client-side apply still works after it
        Path v3 = write("moved-v3.yaml", configMap("moved", "  a: \"10\"\n"));
        assertThat(kubectl.run("apply", "-f", v3.toString()).ok()).isEqualTo("configmap/moved configured\n");
        assertThat(kubectl.run("get", "cm", "moved", "-o", "jsonpath={.data}").ok())
                .isEqualTo("{\"a\":\"10\"}");
    }
}
