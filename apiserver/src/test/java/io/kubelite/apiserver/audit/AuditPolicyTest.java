package io.kubelite.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.apiserver.Auth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy file's parsing and kube's rule matching, rule by rule. */
class AuditPolicyTest {
    static final Auth.User ALICE = new Auth.User("alice", List.of("devs", "system:authenticated"), null);

    static AuditAttributes res(String verb, String group, String resource, String sub, String ns, String name) {
        return new AuditAttributes(ALICE, verb, true, group, "v1", resource, sub, ns, name, "/x");
    }

    static AuditAttributes path(String verb, String p) {
        return new AuditAttributes(ALICE, verb, false, null, null, null, null, null, null, p);
    }

    static AuditLevel level(String rules, AuditAttributes a) {
        return AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n" + rules)
                .decide(a)
                .level();
    }

    @Test
    void theFirstMatchingRuleDecidesAndNoMatchIsNone() {
        String rules = """
                - level: RequestResponse
                  users: [bob]
                - level: Request
                  userGroups: [devs]
                  verbs: [create]
                - level: Metadata
                  resources: [{group: "", resources: [pods]}]
                """;
        assertThat(level(rules, res("create", "", "pods", "", "default", "p"))).isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "", "pods", "", "default", "p"))).isEqualTo(AuditLevel.Metadata);
        assertThat(level(rules, res("get", "apps", "deployments", "", "default", "d")))
                .isEqualTo(AuditLevel.None);
    }

    @Test
    void resourcesMatchAsKubesCheckerDoes() {
        String rules = """
                - level: Request
                  resources:
                  - group: ""
                    resources: ["pods/log", "*/status", "services/*"]
                  - group: apps
                    resources: [deployments]
                    resourceNames: [web]
                - level: Metadata
                  namespaces: [""]
                """;
        assertThat(level(rules, res("get", "", "pods", "log", "ns", "p"))).isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "", "pods", "", "ns", "p"))).isEqualTo(AuditLevel.None);
        assertThat(level(rules, res("update", "", "nodes", "status", "", "n"))).isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "", "services", "proxy", "ns", "s"))).isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "", "services", "", "ns", "s")))
                .as("services/* covers the subresources only")
                .isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "apps", "deployments", "", "ns", "web")))
                .isEqualTo(AuditLevel.Request);
        assertThat(level(rules, res("get", "apps", "deployments", "", "ns", "api")))
                .isEqualTo(AuditLevel.None);
        assertThat(level(rules, res("get", "", "nodes", "", "", "n")))
                .as("cluster scope is namespace \"\"")
                .isEqualTo(AuditLevel.Metadata);
        assertThat(level(rules, path("get", "/healthz"))).isEqualTo(AuditLevel.None);
    }

    @Test
    void nonResourceUrlsMatchExactlyOrByTrailingStar() {
        String rules = """
                - level: None
                  nonResourceURLs: ["/healthz*", "/version"]
                - level: Metadata
                """;
        assertThat(level(rules, path("get", "/healthz/etcd"))).isEqualTo(AuditLevel.None);
        assertThat(level(rules, path("get", "/version"))).isEqualTo(AuditLevel.None);
        assertThat(level(rules, path("get", "/version/x"))).isEqualTo(AuditLevel.Metadata);
        assertThat(level(rules, res("get", "", "pods", "", "", ""))).isEqualTo(AuditLevel.Metadata);
    }

    @Test
    void omittedStagesAreTheRulesAndThePolicys() {
        AuditPolicy p = AuditPolicy.parse("""
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: Metadata
                  omitStages: [ResponseStarted]
                """);
        AuditPolicy.Decision d = p.decide(res("get", "", "pods", "", "ns", "p"));
        assertThat(d.records(AuditStage.RequestReceived)).isFalse();
        assertThat(d.records(AuditStage.ResponseStarted)).isFalse();
        assertThat(d.records(AuditStage.ResponseComplete)).isTrue();
    }

    @Test
    void badPoliciesAreRefusedNamingTheField() {
        assertThatThrownBy(
                        () -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n"))
                .hasMessage("rules[0].level: Unsupported value: \"Loud\": supported values: \"None\", \"Metadata\", "
                        + "\"Request\", \"RequestResponse\"");
        assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- users: [a]\n"))
                .hasMessage("rules[0].level: Required value");
        assertThatThrownBy(
                        () -> AuditPolicy.parse(
                                "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: [healthz]\n"))
                .hasMessage("rules[0].nonResourceURLs[0]: Invalid value: \"healthz\": non-resource URL rules must begin"
                        + " with a '/' character");
        assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n"
                        + "  nonResourceURLs: [/x]\n  namespaces: [a]\n"))
                .hasMessageContaining("rules cannot apply to both regular resources and non-resource URLs");
        assertThatThrownBy(() -> AuditPolicy.parse(
                        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  verb: [get]\n"))
                .hasMessageStartingWith("rules[0].verb: unknown field");
        assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: v1\nkind: ConfigMap\n"))
                .hasMessage("expected apiVersion audit.k8s.io/v1 and kind Policy, got apiVersion \"v1\" and kind"
                        + " \"ConfigMap\"");
        assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n"))
                .hasMessage("rules: Required value: a policy needs at least one rule");
        assertThatThrownBy(() -> AuditPolicy.parse("rules: [\n")).hasMessageStartingWith("not a YAML or JSON document");
    }

    @Test
    void requestAttributesComeFromTheUrlAsKubesRequestInfo() {
        assertThat(AuditAttributes.of(ALICE, "GET", "/api/v1/namespaces/ns/pods", null))
                .extracting(AuditAttributes::verb, AuditAttributes::resource, AuditAttributes::namespace)
                .containsExactly("list", "pods", "ns");
        assertThat(AuditAttributes.of(ALICE, "GET", "/api/v1/namespaces/ns/pods", "true")
                        .verb())
                .isEqualTo("watch");
        AuditAttributes log = AuditAttributes.of(ALICE, "GET", "/api/v1/namespaces/ns/pods/p/log", null);
        assertThat(log)
                .extracting(AuditAttributes::verb, AuditAttributes::name, AuditAttributes::subresource)
                .containsExactly("get", "p", "log");
        assertThat(AuditAttributes.of(ALICE, "DELETE", "/apis/apps/v1/namespaces/ns/deployments", null))
                .extracting(AuditAttributes::verb, AuditAttributes::group, AuditAttributes::version)
                .containsExactly("deletecollection", "apps", "v1");
        AuditAttributes ns = AuditAttributes.of(ALICE, "PUT", "/api/v1/namespaces/ns/finalize", null);
        assertThat(ns)
                .extracting(AuditAttributes::resource, AuditAttributes::name, AuditAttributes::subresource)
                .containsExactly("namespaces", "ns", "finalize");
        AuditAttributes discovery = AuditAttributes.of(ALICE, "GET", "/apis/apps/v1", null);
        assertThat(discovery.resourceRequest()).isFalse();
        assertThat(discovery.verb()).isEqualTo("get");
    }
}
