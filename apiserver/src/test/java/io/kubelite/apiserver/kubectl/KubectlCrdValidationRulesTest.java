package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CRD's CEL rules ({@code x-kubernetes-validations}) and value validations through the real
 * kubectl: a rule that does not compile refuses the CRD, an object breaking a rule is refused
 * with the rule's message, a transition rule makes a field immutable, and nothing is stored.
 */
class KubectlCrdValidationRulesTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: scalers.rules.example.com}
            spec:
              group: rules.example.com
              scope: Namespaced
              names: {plural: scalers, singular: scaler, kind: Scaler}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-validations:
                        - rule: "self.minReplicas <= self.maxReplicas"
                          message: "minReplicas must not exceed maxReplicas"
                        properties:
                          minReplicas: {type: integer}
                          maxReplicas: {type: integer}
                          owner: {type: string, format: email}
                          target:
                            type: string
                            x-kubernetes-validations:
                            - {rule: "self == oldSelf", message: "target is immutable"}
            """;

    static String scaler(String name, int min, int max, String target) {
        return """
                apiVersion: rules.example.com/v1
                kind: Scaler
                metadata: {name: %s}
                spec: {minReplicas: %d, maxReplicas: %d, target: %s, owner: ops@example.com}
                """.formatted(name, min, max, target);
    }

    @Test
    void rulesRefuseBadObjectsAndBadCrdsWithKubesMessages() {
        Kubectl.Result broken = kubectl.run(
                CRD.replace("metadata: {name: scalers.rules.example.com}", "metadata: {name: bad.rules.example.com}")
                        .replace(
                                "plural: scalers, singular: scaler, kind: Scaler",
                                "plural: bad, singular: b, kind: Bad")
                        .replace("self.minReplicas <= self.maxReplicas", "self.minReplicas <="),
                Map.of(),
                "apply",
                "-f",
                "-");
        assertThat(broken.exitCode()).as(broken.out()).isNotZero();
        assertThat(broken.err())
                .contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule")
                .contains("compilation failed");

        kubectl.run(CRD, Map.of(), "apply", "-f", "-").ok();
        kubectl.run("wait", "--for", "condition=established", "--timeout=10s", "crd/scalers.rules.example.com")
                .ok();
        assertThat(kubectl.run(scaler("web", 1, 5, "web"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("scaler.rules.example.com/web created\n");

        Kubectl.Result inverted = kubectl.run(scaler("api", 5, 1, "api"), Map.of(), "apply", "-f", "-");
        assertThat(inverted.exitCode()).isNotZero();
        assertThat(inverted.err())
                .contains("The Scaler \"api\" is invalid: spec: Invalid value: \"object\": "
                        + "minReplicas must not exceed maxReplicas");
        Kubectl.Result email = kubectl.run(
                scaler("mail", 1, 2, "mail").replace("ops@example.com", "nobody"), Map.of(), "apply", "-f", "-");
        assertThat(email.err())
                .contains(
                        "spec.owner: Invalid value: \"nobody\": spec.owner in body must be of type email: \"nobody\"");

        Kubectl.Result retarget = kubectl.run(scaler("web", 1, 5, "db"), Map.of(), "apply", "-f", "-");
        assertThat(retarget.exitCode()).isNotZero();
        assertThat(retarget.err()).contains("spec.target: Invalid value: \"string\": target is immutable");
        assertThat(kubectl.run("get", "scalers", "-o", "jsonpath={.items[*].metadata.name}={.items[*].spec.target}")
                        .ok())
                .as("the refused writes changed nothing")
                .isEqualTo("web=web");
        assertThat(kubectl.run(scaler("web", 2, 5, "web"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("scaler.rules.example.com/web configured\n");
    }
}
