package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admission chain as kubectl users meet it, every plugin on: ServiceAccount (the default
 * account, a missing account refused), DefaultTolerationSeconds, and PodSecurity (enforce → a
 * Forbidden error, warn → the warnings kubectl prints, workloads warned but never refused, a
 * tightened enforce label warned about existing pods, invalid labels refused).
 */
class KubectlAdmissionTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER =
            KubectlCluster.plainHttp().setup(s -> s.withDisabledAdmissionPlugins(Set.of()));

    static Kubectl kubectl;

    static final String RESTRICTED_WARNING_PLAIN = "Warning: would violate PodSecurity \"restricted:latest\":"
            + " allowPrivilegeEscalation != false (container \"plain\" must set"
            + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"plain\""
            + " must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container"
            + " \"plain\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"plain\""
            + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")\n";

    @BeforeAll
    static void start() {
        kubectl = CLUSTER.kubectl();
        kubectl.run("create", "namespace", "psa").ok();
        kubectl.run("create", "serviceaccount", "default", "-n", "psa").ok();
        kubectl.run(
                        "label",
                        "namespace",
                        "psa",
                        "pod-security.kubernetes.io/enforce=baseline",
                        "pod-security.kubernetes.io/warn=restricted",
                        "pod-security.kubernetes.io/audit=restricted")
                .ok();
    }

    @Test
    void podsGetTheDefaultAccountWhichMustExistAndTheDefaultTolerations() {
        kubectl.run("create", "namespace", "sa").ok();
        Kubectl.Result early = kubectl.run("run", "early", "--image=nginx", "-n", "sa");
        assertThat(early.exitCode()).isEqualTo(1);
        assertThat(early.err())
                .isEqualTo("Error from server (Forbidden): pods \"early\" is forbidden: error looking up service"
                        + " account sa/default: serviceaccount \"default\" not found\n");

        kubectl.run("create", "serviceaccount", "default", "-n", "sa").ok();
        assertThat(kubectl.run("run", "web", "--image=nginx", "-n", "sa").ok()).isEqualTo("pod/web created\n");
        assertThat(kubectl.run("get", "pod", "web", "-n", "sa", "-o", "jsonpath={.spec.serviceAccountName}")
                        .ok())
                .isEqualTo("default");
        assertThat(kubectl.run(
                                "get",
                                "pod",
                                "web",
                                "-n",
                                "sa",
                                "-o",
                                "jsonpath={range .spec.tolerations[*]}{.key} {.effect} {.tolerationSeconds}{\"\\n\"}{end}")
                        .ok())
                .isEqualTo("node.kubernetes.io/not-ready NoExecute 300\n"
                        + "node.kubernetes.io/unreachable NoExecute 300\n");

        Kubectl.Result missing = kubectl.run(
                "run",
                "built",
                "--image=nginx",
                "-n",
                "sa",
                "--overrides={\"spec\":{\"serviceAccountName\":\"builder\"}}");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("Error from server (Forbidden): pods \"built\" is forbidden: error looking up service"
                        + " account sa/builder: serviceaccount \"builder\" not found\n");

        // a toleration of its own is kept; only the missing one is added
        kubectl.run(
                        "run",
                        "patient",
                        "--image=nginx",
                        "-n",
                        "sa",
                        "--overrides={\"spec\":{\"tolerations\":[{\"key\":\"node.kubernetes.io/unreachable\","
                                + "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":30}]}}")
                .ok();
        assertThat(kubectl.run(
                                "get",
                                "pod",
                                "patient",
                                "-n",
                                "sa",
                                "-o",
                                "jsonpath={range .spec.tolerations[*]}{.key} {.tolerationSeconds}{\"\\n\"}{end}")
                        .ok())
                .isEqualTo("node.kubernetes.io/unreachable 30\nnode.kubernetes.io/not-ready 300\n");
    }

    @Test
    void enforceRefusesWarnWarnsAndACompliantPodPassesQuietly() {
        Kubectl.Result refused = kubectl.run("run", "priv", "--image=nginx", "--privileged", "-n", "psa");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("Error from server (Forbidden): pods \"priv\" is forbidden: violates PodSecurity"
                        + " \"baseline:latest\": privileged (container \"priv\" must not set"
                        + " securityContext.privileged=true)\n");

        Kubectl.Result warned = kubectl.run("run", "plain", "--image=nginx", "-n", "psa");
        assertThat(warned.exitCode()).isZero();
        assertThat(warned.out()).isEqualTo("pod/plain created\n");
        assertThat(warned.err()).isEqualTo(RESTRICTED_WARNING_PLAIN);

        Kubectl.Result quiet = kubectl.run("""
                apiVersion: v1
                kind: Pod
                metadata: {name: locked}
                spec:
                  securityContext:
                    runAsNonRoot: true
                    seccompProfile: {type: RuntimeDefault}
                  containers:
                  - name: c
                    image: nginx
                    securityContext:
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL]}
                """, Map.of(), "create", "-n", "psa", "-f", "-");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void workloadsAreWarnedAboutTheirTemplateButNotRefused() {
        Kubectl.Result created = kubectl.run("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: hosty}
                spec:
                  selector: {matchLabels: {app: hosty}}
                  template:
                    metadata: {labels: {app: hosty}}
                    spec:
                      hostNetwork: true
                      containers:
                      - name: c
                        image: nginx
                        securityContext:
                          allowPrivilegeEscalation: false
                          runAsNonRoot: true
                          capabilities: {drop: [ALL]}
                          seccompProfile: {type: RuntimeDefault}
                """, Map.of(), "create", "-n", "psa", "-f", "-");
        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).isEqualTo("deployment.apps/hosty created\n");
        assertThat(created.err())
                .isEqualTo("Warning: would violate PodSecurity \"restricted:latest\": host namespaces"
                        + " (hostNetwork=true)\n");
        // an update of the template is judged again
        Kubectl.Result scaled = kubectl.run(
                "patch",
                "deployment",
                "hosty",
                "-n",
                "psa",
                "--type=merge",
                "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"hostPID\":true}}}}");
        assertThat(scaled.exitCode()).isZero();
        assertThat(scaled.err())
                .isEqualTo("Warning: would violate PodSecurity \"restricted:latest\": host namespaces"
                        + " (hostNetwork=true, hostPID=true)\n");
    }

    @Test
    void tighteningEnforceWarnsAboutExistingPodsAndBadLabelsAreRefused() {
        kubectl.run("create", "namespace", "tighten").ok();
        kubectl.run("create", "serviceaccount", "default", "-n", "tighten").ok();
        kubectl.run("run", "loose", "--image=nginx", "--port=80", "-n", "tighten")
                .ok();
        Kubectl.Result labelled =
                kubectl.run("label", "namespace", "tighten", "pod-security.kubernetes.io/enforce=restricted");
        assertThat(labelled.exitCode()).isZero();
        assertThat(labelled.out()).isEqualTo("namespace/tighten labeled\n");
        assertThat(labelled.err())
                .isEqualTo("Warning: existing pods in namespace \"tighten\" violate the new PodSecurity enforce"
                        + " level \"restricted:latest\"\n"
                        + "Warning: loose: allowPrivilegeEscalation != false, unrestricted capabilities,"
                        + " runAsNonRoot != true, seccompProfile\n");

        Kubectl.Result bad = kubectl.run(
                "label", "namespace", "tighten", "pod-security.kubernetes.io/enforce=strict", "--overwrite");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err())
                .isEqualTo("The request is invalid: namespaces \"tighten\" is invalid:"
                        + " metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be"
                        + " one of privileged, baseline, restricted\n");
        assertThat(kubectl.run(
                                "get",
                                "namespace",
                                "tighten",
                                "-o",
                                "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}")
                        .ok())
                .isEqualTo("restricted");
    }
}
