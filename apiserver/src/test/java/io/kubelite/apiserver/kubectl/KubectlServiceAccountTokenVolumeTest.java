package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ServiceAccount admission's token volume as {@code kubectl get pod -o yaml} shows it: a
 * projected {@code kube-api-access-<5 chars>} volume in kube's shape and a read-only mount at
 * {@code /var/run/secrets/kubernetes.io/serviceaccount} in every (init) container; none when the
 * pod or its ServiceAccount says {@code automountServiceAccountToken: false} (the pod's word
 * wins); a container that mounts something there already is left alone.
 */
class KubectlServiceAccountTokenVolumeTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER =
            KubectlCluster.plainHttp().setup(s -> s.withDisabledAdmissionPlugins(Set.of()));

    static Kubectl kubectl;

    /** What kube 1.32 prints for the volume, the name aside. */
    static final String VOLUME_YAML = """
              volumes:
              - name: kube-api-access-NAME
                projected:
                  defaultMode: 420
                  sources:
                  - serviceAccountToken:
                      expirationSeconds: 3607
                      path: token
                  - configMap:
                      items:
                      - key: ca.crt
                        path: ca.crt
                      name: kube-root-ca.crt
                  - downwardAPI:
                      items:
                      - fieldRef:
                          apiVersion: v1
                          fieldPath: metadata.namespace
                        path: namespace
            """;

    static final String MOUNT_YAML = """
                volumeMounts:
                - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                  name: kube-api-access-NAME
                  readOnly: true
            """;

    @BeforeAll
    static void start() {
        kubectl = CLUSTER.kubectl();
        kubectl.run("create", "namespace", "tok").ok();
        kubectl.run("create", "serviceaccount", "default", "-n", "tok").ok();
    }

    static String yaml(String pod) {
        return kubectl.run("get", "pod", pod, "-n", "tok", "-o", "yaml").ok();
    }

    static String get(String pod, String jsonpath) {
        return kubectl.run("get", "pod", pod, "-n", "tok", "-o", "jsonpath=" + jsonpath)
                .ok();
    }

    @Test
    void kubectlRunGetsTheProjectedTokenVolumeInKubesShape() {
        kubectl.run("run", "web", "--image=nginx", "-n", "tok").ok();
        String yaml = yaml("web");
        Matcher m = Pattern.compile("  - name: (kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5})\n")
                .matcher(yaml);
        assertThat(m.find()).as("a kube-api-access-xxxxx volume in:\n%s", yaml).isTrue();
        String name = m.group(1);
        assertThat(yaml)
                .as("the volume, last in spec, then status")
                .contains(VOLUME_YAML.replace("NAME", name.substring("kube-api-access-".length())) + "status:\n");
        assertThat(yaml)
                .as("the container's mount")
                .contains(MOUNT_YAML.replace("NAME", name.substring("kube-api-access-".length())));
        assertThat(get("web", "{.spec.volumes[*].name}")).isEqualTo(name);
    }

    @Test
    void initContainersAreMountedAndAnExistingMountAtThePathIsKept() {
        kubectl.run("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: mixed, namespace: tok}
                        spec:
                          volumes:
                          - {name: own, emptyDir: {}}
                          initContainers:
                          - {name: init, image: busybox}
                          containers:
                          - name: mine
                            image: busybox
                            volumeMounts:
                            - {name: own, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}
                          - {name: other, image: busybox}
                        """, Map.of(), "create", "-f", "-").ok();
        String mounts = get(
                "mixed",
                "{range .spec.initContainers[*]}{.name}:{range .volumeMounts[*]}{.name}@{.mountPath} {end}{\"\\n\"}{end}"
                        + "{range .spec.containers[*]}{.name}:{range .volumeMounts[*]}{.name}@{.mountPath} {end}"
                        + "{\"\\n\"}{end}");
        String volume = get("mixed", "{.spec.volumes[1].name}");
        assertThat(volume).matches("kube-api-access-[a-z0-9]{5}");
        String sa = "/var/run/secrets/kubernetes.io/serviceaccount";
        assertThat(mounts)
                .isEqualTo("init:" + volume + "@" + sa + " \n"
                        + "mine:own@" + sa + " \n"
                        + "other:" + volume + "@" + sa + " \n");
        assertThat(get("mixed", "{.spec.volumes[*].name}")).isEqualTo("own " + volume);
    }

    @Test
    void automountFalseOnThePodOrItsAccountMeansNoVolumeAndThePodWins() {
        kubectl.run(
                        "run",
                        "quiet",
                        "--image=nginx",
                        "-n",
                        "tok",
                        "--overrides={\"spec\":{\"automountServiceAccountToken\":false}}")
                .ok();
        assertThat(yaml("quiet")).doesNotContain("kube-api-access").doesNotContain("volumeMounts");

        kubectl.run("""
                        apiVersion: v1
                        kind: ServiceAccount
                        metadata: {name: silent, namespace: tok}
                        automountServiceAccountToken: false
                        """, Map.of(), "create", "-f", "-").ok();
        kubectl.run(
                        "run",
                        "silent",
                        "--image=nginx",
                        "-n",
                        "tok",
                        "--overrides={\"spec\":{\"serviceAccountName\":\"silent\"}}")
                .ok();
        assertThat(get("silent", "{.spec.volumes}"))
                .as("the account says false")
                .isEmpty();

        kubectl.run(
                        "run",
                        "loud",
                        "--image=nginx",
                        "-n",
                        "tok",
                        "--overrides={\"spec\":{\"serviceAccountName\":\"silent\",\"automountServiceAccountToken\":true}}")
                .ok();
        assertThat(get("loud", "{.spec.volumes[*].name}"))
                .as("the pod's true wins over its account's false")
                .matches("kube-api-access-[a-z0-9]{5}");
    }
}
