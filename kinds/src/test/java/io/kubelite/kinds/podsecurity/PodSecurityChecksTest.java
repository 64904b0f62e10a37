package io.kubelite.kinds.podsecurity;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Pod Security Standards' checks, level by level, with kube's reasons and details. */
class PodSecurityChecksTest {
    private static Pod pod(String spec) {
        return ApiJson.parse("{\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}", Pod.getDefaultInstance())
                .message();
    }

    private static List<String> violations(Level level, Pod p) {
        return PodSecurityChecks.evaluate(level, p.getMetadata(), p.getSpec()).stream()
                .map(Violation::toString)
                .toList();
    }

    private static final String LOCKED_CONTAINER = "{\"name\":\"c\",\"image\":\"nginx\",\"securityContext\":{"
            + "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}";
    private static final String LOCKED_POD_CONTEXT =
            "\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}";

    @Test
    void privilegedAllowsEverything() {
        Pod p = pod(
                "{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}");
        assertThat(violations(Level.PRIVILEGED, p)).isEmpty();
    }

    @Test
    void baselineNamesEachForbiddenField() {
        Pod p = pod("{\"hostNetwork\":true,\"hostPID\":true,"
                + "\"securityContext\":{\"sysctls\":[{\"name\":\"kernel.msgmax\",\"value\":\"1\"},"
                + "{\"name\":\"net.ipv4.tcp_syncookies\",\"value\":\"1\"}],"
                + "\"seccompProfile\":{\"type\":\"Unconfined\"}},"
                + "\"volumes\":[{\"name\":\"host\",\"hostPath\":{\"path\":\"/\"}}],"
                + "\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"hostPort\":8080}],"
                + "\"securityContext\":{\"privileged\":true,\"procMount\":\"Unmasked\","
                + "\"capabilities\":{\"add\":[\"NET_ADMIN\",\"CHOWN\"]},"
                + "\"seLinuxOptions\":{\"type\":\"spc_t\"}}},"
                + "{\"name\":\"b\",\"securityContext\":{\"privileged\":true}}]}");
        assertThat(violations(Level.BASELINE, p))
                .containsExactly(
                        "non-default capabilities (container \"a\" must not include \"NET_ADMIN\" in"
                                + " securityContext.capabilities.add)",
                        "host namespaces (hostNetwork=true, hostPID=true)",
                        "hostPath volumes (volume \"host\")",
                        "hostPort (container \"a\" uses hostPort 8080)",
                        "privileged (containers \"a\", \"b\" must not set securityContext.privileged=true)",
                        "procMount (container \"a\" must not set securityContext.procMount to \"Unmasked\")",
                        "seLinuxOptions (container \"a\" set forbidden securityContext.seLinuxOptions: type \"spc_t\")",
                        "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
                        "forbidden sysctls (kernel.msgmax)");
    }

    @Test
    void aDefaultPodPassesBaselineButNotRestricted() {
        Pod p = pod("{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}");
        assertThat(violations(Level.BASELINE, p)).isEmpty();
        assertThat(violations(Level.RESTRICTED, p))
                .containsExactly(
                        "allowPrivilegeEscalation != false (container \"web\" must set"
                                + " securityContext.allowPrivilegeEscalation=false)",
                        "unrestricted capabilities (container \"web\" must set"
                                + " securityContext.capabilities.drop=[\"ALL\"])",
                        "runAsNonRoot != true (pod or container \"web\" must set securityContext.runAsNonRoot=true)",
                        "seccompProfile (pod or container \"web\" must set securityContext.seccompProfile.type to"
                                + " \"RuntimeDefault\" or \"Localhost\")");
    }

    @Test
    void restrictedPassesALockedDownPodAndJudgesVolumesAndUsers() {
        assertThat(
                        violations(
                                Level.RESTRICTED,
                                pod(
                                        "{" + LOCKED_POD_CONTEXT + ",\"containers\":[" + LOCKED_CONTAINER
                                                + "],\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{}},{\"name\":\"cfg\",\"configMap\":{\"name\":\"x\"}}]}")))
                .isEmpty();
        Pod p = pod("{\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":0,"
                + "\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},\"containers\":[" + LOCKED_CONTAINER
                + "],\"volumes\":[{\"name\":\"host\",\"hostPath\":{\"path\":\"/\"}},{\"name\":\"nfs\",\"nfs\":"
                + "{\"server\":\"s\",\"path\":\"/\"}}]}");
        assertThat(violations(Level.RESTRICTED, p))
                .containsExactly(
                        "restricted volume types (volumes \"host\", \"nfs\" use restricted volume types \"hostPath\","
                                + " \"nfs\")",
                        "runAsUser=0 (pod must not set runAsUser=0)");
    }

    @Test
    void appArmorAnnotationsAndFieldsOutsideTheDefaultsAreForbidden() {
        Pod p = pod("{\"containers\":[{\"name\":\"c\"}]}").toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p")
                        .putAllAnnotations(Map.of("container.apparmor.security.beta.kubernetes.io/c", "unconfined")))
                .build();
        assertThat(violations(Level.BASELINE, p))
                .containsExactly("forbidden AppArmor profile (annotation"
                        + " container.apparmor.security.beta.kubernetes.io/c=\"unconfined\")");
    }

    @Test
    void namespaceLabelsChooseLevelsAndBadOnesAreNamed() {
        NamespacePolicy p = NamespacePolicy.of(Map.of(
                "pod-security.kubernetes.io/enforce", "baseline",
                "pod-security.kubernetes.io/warn", "restricted",
                "pod-security.kubernetes.io/warn-version", "v1.30"));
        assertThat(p.enforce().toString()).isEqualTo("baseline:latest");
        assertThat(p.warn().toString()).isEqualTo("restricted:v1.30");
        assertThat(p.audit().toString()).isEqualTo("privileged:latest");
        assertThat(NamespacePolicy.errors(Map.of("pod-security.kubernetes.io/audit", "strict")))
                .singleElement()
                .satisfies(e -> assertThat(e.field() + ": " + e.message())
                        .isEqualTo("metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"strict\":"
                                + " must be one of privileged, baseline, restricted"));
    }
}
