package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl api-resources} and {@code api-versions} from the aggregated discovery
 * document (checked with {@code -v=8}: two discovery requests, no per-group-version ones),
 * {@code kubectl events} and {@code kubectl get events.events.k8s.io}.
 */
class KubectlDiscoveryAndEventsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final TestApiServer api = CLUSTER.api();
    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void apiResourcesComesFromTheAggregatedDocument() {
        Kubectl.Result r = kubectl.run("api-resources", "-v=8");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // one request each for /api and /apis, answered with the aggregated document; none per group-version
        assertThat(r.err())
                .contains("GET " + api.url() + "/api?timeout=")
                .contains("GET " + api.url() + "/apis?timeout=")
                .contains("Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
                .contains("Content-Type: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
                .doesNotContain(api.url() + "/apis/apps/v1?")
                .doesNotContain(api.url() + "/api/v1?");
        // rows as kubectl prints them against a real cluster (columns compared without their padding)
        assertThat(r.out().lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
                .startsWith("NAME SHORTNAMES APIVERSION NAMESPACED KIND")
                .contains(
                        "events ev v1 true Event",
                        "pods po v1 true Pod",
                        "secrets v1 true Secret",
                        "replicasets rs apps/v1 true ReplicaSet",
                        "selfsubjectreviews authentication.k8s.io/v1 false SelfSubjectReview",
                        "tokenreviews authentication.k8s.io/v1 false TokenReview",
                        "selfsubjectaccessreviews authorization.k8s.io/v1 false SelfSubjectAccessReview",
                        "selfsubjectrulesreviews authorization.k8s.io/v1 false SelfSubjectRulesReview",
                        "leases coordination.k8s.io/v1 true Lease",
                        "clusterroles rbac.authorization.k8s.io/v1 false ClusterRole",
                        "rolebindings rbac.authorization.k8s.io/v1 true RoleBinding",
                        "events ev events.k8s.io/v1 true Event");
        String wide = kubectl.run("api-resources", "-o", "wide", "--api-group=authorization.k8s.io")
                .ok();
        assertThat(wide.lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
                .containsExactly(
                        "NAME SHORTNAMES APIVERSION NAMESPACED KIND VERBS CATEGORIES",
                        "localsubjectaccessreviews authorization.k8s.io/v1 true LocalSubjectAccessReview create",
                        "selfsubjectaccessreviews authorization.k8s.io/v1 false SelfSubjectAccessReview create",
                        "selfsubjectrulesreviews authorization.k8s.io/v1 false SelfSubjectRulesReview create",
                        "subjectaccessreviews authorization.k8s.io/v1 false SubjectAccessReview create");
    }

    @Test
    void apiVersions() {
        assertThat(kubectl.run("api-versions").ok().lines())
                .contains(
                        "apps/v1",
                        "authentication.k8s.io/v1",
                        "authorization.k8s.io/v1",
                        "coordination.k8s.io/v1",
                        "events.k8s.io/v1",
                        "v1")
                .isSorted();
    }

    @Test
    void kubectlEventsAndTheEventsGroup() {
        String now = java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        String core = "{\"metadata\":{\"name\":\"web.1\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web\","
                + "\"namespace\":\"default\"},\"reason\":\"Scheduled\",\"type\":\"Normal\","
                + "\"message\":\"Successfully assigned default/web to node-1\",\"count\":1,"
                + "\"firstTimestamp\":\"" + now + "\",\"lastTimestamp\":\"" + now + "\","
                + "\"source\":{\"component\":\"default-scheduler\"}}";
        assertThat(api.post("/api/v1/namespaces/default/events", core).code()).isEqualTo(201);
        Kubectl.Result events = kubectl.run("events");
        assertThat(events.exitCode()).as(events.err()).isZero();
        assertThat(events.out().lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
                .hasSize(2)
                .first()
                .isEqualTo("LAST SEEN TYPE REASON OBJECT MESSAGE");
        assertThat(events.out().lines().skip(1).findFirst().orElseThrow())
                .matches("\\d+s +Normal +Scheduled +Pod/web +Successfully assigned default/web to node-1");
        Kubectl.Result v1 = kubectl.run("get", "events.events.k8s.io");
        assertThat(v1.exitCode()).as(v1.err()).isZero();
        // the registry gives this view the v1 Event's columns, printed by the server's Table
        assertThat(v1.out().lines().toList())
                .hasSize(2)
                .first()
                .asString()
                .matches("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE");
        assertThat(v1.out().lines().skip(1).findFirst().orElseThrow())
                .matches("\\d+s +Normal +Scheduled +pod/web +Successfully assigned default/web to node-1");
        assertThat(kubectl.run("get", "events.events.k8s.io", "web.1", "-o", "jsonpath={.regarding.name} {.note}")
                        .ok())
                .isEqualTo("web Successfully assigned default/web to node-1");
    }

    @Test
    void kubectlEventsForOneObjectSelectsByItsKindNameAndApiVersion() {
        String now = java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        for (String pod : new String[] {"api", "api-other"}) {
            String event = "{\"metadata\":{\"name\":\"" + pod + ".1\"},\"involvedObject\":{\"kind\":\"Pod\","
                    + "\"apiVersion\":\"v1\",\"name\":\"" + pod + "\",\"namespace\":\"default\"},"
                    + "\"reason\":\"Pulled\",\"type\":\"Normal\",\"message\":\"pulled for " + pod + "\","
                    + "\"count\":1,\"firstTimestamp\":\"" + now + "\",\"lastTimestamp\":\"" + now + "\","
                    + "\"source\":{\"component\":\"kubelet\"}}";
            assertThat(api.post("/api/v1/namespaces/default/events", event).code())
                    .isEqualTo(201);
        }
        // kubectl asks for involvedObject.kind, .name and .apiVersion in one field selector
        Kubectl.Result events = kubectl.run("events", "--for", "pod/api");
        assertThat(events.exitCode()).as(events.err()).isZero();
        assertThat(events.out().lines().skip(1).toList())
                .singleElement()
                .asString()
                .matches("\\d+s +Normal +Pulled +Pod/api +pulled for api");
    }
}
