package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CustomResourceDefinitions through the real kubectl: kubernetes.io's CronTab CRD applies, reads
 * back with its schema as sent and kube's status conditions, an invalid one is refused with kube's
 * message, and {@code kubectl wait --for condition=established} (what Helm and operator installers
 * run) returns.
 */
class KubectlCustomResourceDefinitionTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    static String crontabCrd() throws IOException {
        return resource("/crd/crontab-crd.yaml");
    }

    static String resource(String path) throws IOException {
        try (InputStream in = KubectlCustomResourceDefinitionTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCronTabCrdAppliesIsEstablishedAndKeepsItsSchema() throws Exception {
        Kubectl.Result created = kubectl.run(crontabCrd(), Map.of(), "apply", "-f", "-");
        assertThat(created.ok())
                .isEqualTo("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n");
        assertThat(created.err()).isEmpty();
        assertThat(kubectl.run(
                                "wait",
                                "--for",
                                "condition=established",
                                "--timeout=10s",
                                "crd/crontabs.stable.example.com")
                        .ok())
                .isEqualTo("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met\n");
        assertThat(kubectl.run("get", "crds").ok())
                .startsWith("NAME                          CREATED AT\ncrontabs.stable.example.com   20");
        assertThat(kubectl.run(
                                "get",
                                "crd",
                                "crontabs.stable.example.com",
                                "-o",
                                "jsonpath={.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.cronSpec.pattern}"
                                        + " {.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.replicas.maximum}"
                                        + " {.status.acceptedNames.listKind} {.status.storedVersions}"
                                        + " {.status.conditions[?(@.type==\"NamesAccepted\")].reason}")
                        .ok())
                .isEqualTo("^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$ 10 CronTabList [\"v1\"] NoConflicts");
        // a second apply of the same manifest changes nothing
        assertThat(kubectl.run(crontabCrd(), Map.of(), "apply", "-f", "-").ok())
                .isEqualTo("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com unchanged\n");
        // a changed manifest patches it (a new short name), and server-side apply takes it over
        String changed = crontabCrd().replace("    - ct\n", "    - ct\n    - cts\n");
        assertThat(changed).isNotEqualTo(crontabCrd());
        assertThat(kubectl.run(changed, Map.of(), "apply", "-f", "-").ok())
                .isEqualTo("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com configured\n");
        assertThat(kubectl.run(changed, Map.of(), "apply", "--server-side", "--force-conflicts", "-f", "-")
                        .ok())
                .isEqualTo(
                        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com serverside-applied\n");
        assertThat(kubectl.run(
                                "get",
                                "crd",
                                "crontabs.stable.example.com",
                                "-o",
                                "jsonpath={.status.acceptedNames.shortNames} {.metadata.generation}")
                        .ok())
                .isEqualTo("[\"ct\",\"cts\"] 2");
        assertThat(kubectl.run("delete", "crd", "crontabs.stable.example.com").ok())
                .isEqualTo("customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted\n");
    }

    @Test
    void cronTabsAreServedOnceTheCrdIsEstablishedAndGoneWithIt() throws Exception {
        kubectl.run(crontabCrd(), Map.of(), "apply", "-f", "-").ok();
        kubectl.run("wait", "--for", "condition=established", "--timeout=10s", "crd/crontabs.stable.example.com")
                .ok();
        assertThat(kubectl.run(resource("/crd/crontab.yaml"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object created\n");
        // kubernetes.io's invalid CronTab, refused with kube's messages
        String invalid = resource("/crd/crontab.yaml")
                .replace("my-new-cron-object", "bad")
                .replace("cronSpec: \"* * * * */5\"", "cronSpec: \"* * * *\"\n  replicas: 15");
        Kubectl.Result refused = kubectl.run(invalid, Map.of(), "apply", "-f", "-");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains(
                        "The CronTab \"bad\" is invalid: \n"
                                + "* spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match"
                                + " '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n"
                                + "* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10");
        // a field the schema does not know: kubectl's default --validate=strict (the server's
        // fieldValidation=Strict, which kubectl finds in the CRD's OpenAPI) refuses it as kube does;
        // --validate=false (fieldValidation=Ignore) has it pruned
        String pruned = resource("/crd/crontab.yaml").replace("my-new-cron-object", "pruned") + "  color: blue\n";
        Kubectl.Result strict = kubectl.run(pruned, Map.of(), "apply", "-f", "-");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err())
                .isEqualTo("Error from server (BadRequest): error when creating \"STDIN\": CronTab in version \"v1\""
                        + " cannot be handled as a CronTab: strict decoding error: unknown field \"spec.color\"\n");
        assertThat(kubectl.run(pruned, Map.of(), "apply", "--validate=warn", "-f", "-")
                        .err())
                .isEqualTo("Warning: unknown field \"spec.color\"\n");
        kubectl.run("delete", "crontab", "pruned").ok();
        kubectl.run(pruned, Map.of(), "apply", "--validate=false", "-f", "-").ok();
        assertThat(kubectl.run("get", "crontab", "pruned", "-o", "jsonpath={.spec}")
                        .ok())
                .isEqualTo("{\"cronSpec\":\"* * * * */5\",\"image\":\"my-awesome-cron-image\"}");
        kubectl.run("delete", "crontab", "pruned").ok();
        assertThat(kubectl.run("get", "crontabs").ok())
                .as("the CRD's printer column")
                .isEqualTo("NAME                 SPEC\nmy-new-cron-object   * * * * */5\n");
        // server-side apply on a deduced (untyped) schema, as kube's fieldmanager does without one
        assertThat(kubectl.run(
                                resource("/crd/crontab.yaml").replace("my-awesome-cron-image", "ssa-image"),
                                Map.of(),
                                "apply",
                                "--server-side",
                                "--force-conflicts",
                                "-f",
                                "-")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object serverside-applied\n");
        assertThat(kubectl.run(
                                "get",
                                "ct",
                                "my-new-cron-object",
                                "-o",
                                "jsonpath={.metadata.managedFields[?(@.manager==\"kubectl\")].operation}")
                        .ok())
                .isEqualTo("Apply");
        kubectl.run(resource("/crd/crontab.yaml"), Map.of(), "apply", "--server-side", "--force-conflicts", "-f", "-")
                .ok();
        assertThat(kubectl.run("get", "ct", "my-new-cron-object", "-o", "jsonpath={.spec.cronSpec} {.spec.image}")
                        .ok())
                .isEqualTo("* * * * */5 my-awesome-cron-image");
        assertThat(kubectl.run(
                                "patch",
                                "crontab",
                                "my-new-cron-object",
                                "--type=merge",
                                "-p",
                                "{\"spec\":{\"replicas\":3}}")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object patched\n");
        Kubectl.Result smp = kubectl.run("patch", "crontab", "my-new-cron-object", "-p", "{\"spec\":{\"replicas\":4}}");
        assertThat(smp.err())
                .isEqualTo("error: application/strategic-merge-patch+json is not supported by stable.example.com/v1,"
                        + " Kind=CronTab: the body of the request was in an unknown format - accepted media types"
                        + " include: application/json-patch+json, application/merge-patch+json,"
                        + " application/apply-patch+yaml\n");
        assertThat(kubectl.run("get", "crontab", "my-new-cron-object", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("3");
        assertThat(kubectl.run("get", "crontabs", "-l", "app=none", "-o", "name")
                        .ok())
                .isEmpty();
        assertThat(kubectl.run("get", "crontabs", "--field-selector", "metadata.name=my-new-cron-object", "-o", "name")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object\n");
        assertThat(kubectl.run("api-resources", "--api-group=stable.example.com", "--no-headers")
                        .ok())
                .matches("crontabs\\s+ct\\s+stable.example.com/v1\\s+true\\s+CronTab\\n");

        // a namespace's deletion takes its custom objects along
        kubectl.run("create", "namespace", "cron-team").ok();
        kubectl.run(resource("/crd/crontab.yaml"), Map.of(), "apply", "-n", "cron-team", "-f", "-")
                .ok();
        try (InProcessControllerManager namespaces =
                InProcessControllerManager.start(CLUSTER, "cm-crd-ns", "namespace")) {
            kubectl.run("delete", "namespace", "cron-team", "--timeout=20s").ok();
        }
        Poll.until(
                Duration.ofSeconds(10),
                "no crontabs left in the deleted namespace",
                () -> kubectl.run("get", "crontabs", "-n", "cron-team", "-o", "name"),
                res -> res.exitCode() == 0 && res.out().isEmpty());
        assertThat(kubectl.run("delete", "crontab", "my-new-cron-object").ok())
                .isEqualTo("crontab.stable.example.com \"my-new-cron-object\" deleted\n");
        kubectl.run(
                        resource("/crd/crontab.yaml").replace("my-new-cron-object", "left-behind"),
                        Map.of(),
                        "apply",
                        "-f",
                        "-")
                .ok();
        kubectl.run("delete", "crd", "crontabs.stable.example.com").ok();
        // a CRD created again starts empty: the deleted one took its objects along
        kubectl.run(crontabCrd(), Map.of(), "apply", "-f", "-").ok();
        Poll.until(
                Duration.ofSeconds(10),
                "crontabs served again, and empty",
                () -> kubectl.run("get", "crontabs", "-o", "name"),
                res -> res.exitCode() == 0 && res.out().isEmpty());
        kubectl.run("delete", "crd", "crontabs.stable.example.com").ok();
        assertThat(kubectl.run("get", "crontabs").err())
                .as("kubectl's discovery cache still knows crontabs; the server no longer serves the group")
                .contains("the server could not find the requested resource (API group \"stable.example.com\" is not"
                        + " served)");
    }

    @Test
    void theStatusSubresourceKeepsStatusApartAndSpecChangesBumpGeneration() throws Exception {
        String crd = crontabCrd()
                .replace("name: crontabs.stable.example.com", "name: backups.stable.example.com")
                .replace("plural: crontabs", "plural: backups")
                .replace("singular: crontab", "singular: backup")
                .replace("kind: CronTab", "kind: Backup")
                .replace("    - ct\n", "    - bk\n")
                .replace(
                        "      schema:\n",
                        "      subresources:\n        status: {}\n        scale:\n"
                                + "          specReplicasPath: .spec.replicas\n"
                                + "          statusReplicasPath: .status.replicas\n      schema:\n")
                .replace(
                        "          properties:\n            spec:\n",
                        "          properties:\n            status:\n              type: object\n"
                                + "              x-kubernetes-preserve-unknown-fields: true\n            spec:\n");
        kubectl.run(crd, Map.of(), "apply", "-f", "-").ok();
        kubectl.run("wait", "--for", "condition=established", "--timeout=10s", "crd/backups.stable.example.com")
                .ok();
        String backup = resource("/crd/crontab.yaml")
                        .replace("kind: CronTab", "kind: Backup")
                        .replace("my-new-cron-object", "nightly")
                + "status:\n  phase: Done\n";
        Poll.until(
                Duration.ofSeconds(10),
                "a Backup created once backups are served",
                () -> kubectl.run(backup, Map.of(), "create", "-f", "-"),
                res -> res.exitCode() == 0);
        assertThat(kubectl.run("get", "backup", "nightly", "-o", "jsonpath={.status} {.metadata.generation}")
                        .ok())
                .as("a create drops the status")
                .isEqualTo(" 1");
        assertThat(kubectl.run(
                                "patch",
                                "backup",
                                "nightly",
                                "--subresource=status",
                                "--type=merge",
                                "-p",
                                "{\"status\":{\"phase\":\"Running\"}}")
                        .ok())
                .isEqualTo("backup.stable.example.com/nightly patched\n");
        kubectl.run(
                        "patch",
                        "backup",
                        "nightly",
                        "--type=merge",
                        "-p",
                        "{\"spec\":{\"image\":\"v2\"},\"status\":{\"phase\":\"Hacked\"}}")
                .ok();
        assertThat(kubectl.run(
                                "get",
                                "backup",
                                "nightly",
                                "-o",
                                "jsonpath={.status.phase} {.spec.image} {.metadata.generation}")
                        .ok())
                .isEqualTo("Running v2 2");
        kubectl.run(
                        "patch",
                        "backup",
                        "nightly",
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"phase\":\"Done\"}}")
                .ok();
        assertThat(kubectl.run("get", "backup", "nightly", "-o", "jsonpath={.status.phase} {.metadata.generation}")
                        .ok())
                .as("a status write leaves the generation")
                .isEqualTo("Done 2");
        assertThat(kubectl.run("scale", "backup", "nightly", "--replicas=3").ok())
                .isEqualTo("backup.stable.example.com/nightly scaled\n");
        assertThat(kubectl.run("get", "backup", "nightly", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("3");
        assertThat(kubectl.run("get", "--raw", "/apis/stable.example.com/v1/namespaces/default/backups/nightly/scale")
                        .ok())
                .contains("\"spec\":{\"replicas\":3}");
        kubectl.run("delete", "crd", "backups.stable.example.com").ok();
    }

    @Test
    void everyServedVersionServesTheSameObjectsWithItsApiVersion() throws Exception {
        String crd = crontabCrd()
                .replace("name: crontabs.stable.example.com", "name: notes.stable.example.com")
                .replace("plural: crontabs", "plural: notes")
                .replace("singular: crontab", "singular: note")
                .replace("kind: CronTab", "kind: Note")
                .replace("    - ct\n", "    - nt\n")
                .replace(
                        "  versions:\n",
                        "  versions:\n    - name: v2\n      served: true\n      storage: false\n"
                                + "      schema:\n        openAPIV3Schema:\n          type: object\n"
                                + "          x-kubernetes-preserve-unknown-fields: true\n");
        kubectl.run(crd, Map.of(), "apply", "-f", "-").ok();
        kubectl.run("wait", "--for", "condition=established", "--timeout=10s", "crd/notes.stable.example.com")
                .ok();
        String note = resource("/crd/crontab.yaml")
                .replace("kind: CronTab", "kind: Note")
                .replace("my-new-cron-object", "n1");
        Poll.until(
                Duration.ofSeconds(10),
                "a Note created at v1 once notes are served",
                () -> kubectl.run(note, Map.of(), "create", "-f", "-"),
                res -> res.exitCode() == 0);
        assertThat(kubectl.run("get", "notes.v2.stable.example.com", "n1", "-o", "jsonpath={.apiVersion} {.spec.image}")
                        .ok())
                .isEqualTo("stable.example.com/v2 my-awesome-cron-image");
        assertThat(kubectl.run("get", "notes.v1.stable.example.com", "-o", "jsonpath={.items[0].apiVersion}")
                        .ok())
                .isEqualTo("stable.example.com/v1");
        kubectl.run("delete", "crd", "notes.stable.example.com").ok();
    }

    @Test
    void anInvalidCrdIsRefusedWithKubesMessage() throws Exception {
        String wrong = crontabCrd()
                .replace("name: crontabs.stable.example.com", "name: crontab.stable.example.com")
                .replace("storage: true", "storage: false");
        Kubectl.Result r = kubectl.run(wrong, Map.of(), "apply", "-f", "-");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("The CustomResourceDefinition \"crontab.stable.example.com\" is invalid: \n"
                        + "* metadata.name: Invalid value: \"crontab.stable.example.com\": must be"
                        + " spec.names.plural+\".\"+spec.group\n")
                .contains("* spec.versions: Invalid value: must have exactly one version marked as storage version");
        assertThat(kubectl.run("get", "crd", "-o", "name").ok()).isEmpty();
    }
}
