package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl's writes that need the OpenAPI documents: client-side {@code apply} (created,
 * unchanged, configured, a removed field removed by the 3-way strategic merge), {@code diff},
 * {@code edit} with a scripted editor, and field validation as {@code --validate} sets it. The
 * expected output is what kubectl prints against a real cluster.
 */
class KubectlApplyTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    static String replicaSet(String name, String extraLabel, String extraEnv, String extraContainerField) {
        return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: " + name + "\n  labels:\n    app: " + name
                + "\n" + extraLabel + "spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: " + name + "}\n"
                + "  template:\n    metadata:\n      labels: {app: " + name + "}\n    spec:\n      containers:\n"
                + "      - name: app\n        image: nginx:1.25\n" + extraContainerField
                + "        ports:\n        - containerPort: 80\n        env:\n        - name: A\n          value: \"1\"\n"
                + extraEnv;
    }

    Path write(String file, String text) throws Exception {
        Path p = CLUSTER.dir().resolve(file);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void applyTwiceThenWithFieldsRemoved() throws Exception {
        Path full = write(
                "web.yaml", replicaSet("web", "    tier: front\n", "        - name: B\n          value: \"2\"\n", ""));
        assertThat(kubectl.run("apply", "-f", full.toString()).ok()).isEqualTo("replicaset.apps/web created\n");
        assertThat(kubectl.run("apply", "-f", full.toString()).ok()).isEqualTo("replicaset.apps/web unchanged\n");

        Path less = write("web-less.yaml", replicaSet("web", "", "", ""));
        Kubectl.Result diff = kubectl.run("diff", "-f", less.toString());
        assertThat(diff.exitCode()).as(diff.err()).isEqualTo(1); // 1: there are differences
        assertThat(diff.out()).contains("-    tier: front\n", "-        - name: B\n", "-          value: \"2\"\n");

        assertThat(kubectl.run("apply", "-f", less.toString()).ok()).isEqualTo("replicaset.apps/web configured\n");
        String labelsAndEnv = kubectl.run(
                        "get", "rs", "web", "-o", "jsonpath={.metadata.labels} {.spec.template.spec.containers[0].env}")
                .ok();
        assertThat(labelsAndEnv).isEqualTo("{\"app\":\"web\"} [{\"name\":\"A\",\"value\":\"1\"}]");
        assertThat(kubectl.run("diff", "-f", less.toString()).exitCode()).isZero();
    }

    @Test
    void anUnknownFieldFailsApplyAndCreateUnlessValidationIsOff() throws Exception {
        Path bad = write("bad.yaml", replicaSet("bad", "", "", "        foo: bar\n"));
        Kubectl.Result create = kubectl.run("create", "-f", bad.toString());
        assertThat(create.exitCode()).isEqualTo(1);
        assertThat(create.err())
                .isEqualTo("Error from server (BadRequest): error when creating \"" + bad
                        + "\": ReplicaSet in version \"v1\" cannot be handled as a ReplicaSet: strict decoding error: "
                        + "unknown field \"spec.template.spec.containers[0].foo\"\n");
        Kubectl.Result apply = kubectl.run("apply", "-f", bad.toString());
        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.err())
                .contains("strict decoding error: unknown field \"spec.template.spec.containers[0].foo\"");

        Kubectl.Result warn = kubectl.run("apply", "--validate=warn", "-f", bad.toString());
        assertThat(warn.ok()).isEqualTo("replicaset.apps/bad created\n");
        assertThat(warn.err()).isEqualTo("Warning: unknown field \"spec.template.spec.containers[0].foo\"\n");
        Kubectl.Result off = kubectl.run("apply", "--validate=false", "-f", bad.toString());
        // the live object never holds foo, so each apply patches it again: "configured", as on a real cluster
        assertThat(off.ok()).isEqualTo("replicaset.apps/bad configured\n");
        assertThat(off.err()).isEmpty();
    }

    @Test
    void editWithAScriptedEditor() throws Exception {
        kubectl.run(
                        "apply",
                        "-f",
                        write("ed.yaml", replicaSet("ed", "", "", "")).toString())
                .ok();
        Path editor = write("editor.sh", "#!/bin/sh\nsed -i 's/image: nginx:1.25/image: nginx:1.26/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        assertThat(kubectl.run(null, Map.of("EDITOR", editor.toString()), "edit", "rs", "ed")
                        .ok())
                .isEqualTo("replicaset.apps/ed edited\n");
        assertThat(kubectl.run("get", "rs", "ed", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
                        .ok())
                .isEqualTo("nginx:1.26");
    }
}
