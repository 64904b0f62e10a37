package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real {@code kubectl explain}, reading kubelite's OpenAPI 3 documents: laid out as against a real cluster. */
class KubectlExplainTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void explainAFieldWithItsDescriptionAndTheFieldsOfItsType() {
        String out = kubectl.run("explain", "pods.spec.containers").ok();
        assertThat(out)
                .startsWith("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:\n"
                        + "    List of containers belonging to the pod. Containers cannot currently be\n"
                        + "    added or removed. There must be at least one container in a Pod. Cannot be\n"
                        + "    updated.\n"
                        + "    A single application container that you want to run within a pod.\n");
        assertThat(out)
                .contains(
                        "FIELDS:\n  args\t<[]string>\n",
                        "  env\t<[]EnvVar>\n    List of environment variables to set in the container.",
                        "  name\t<string> -required-\n",
                        "  resources\t<ResourceRequirements>\n");
    }

    @Test
    void explainAKindRecursively() {
        String out = kubectl.run("explain", "replicasets", "--recursive").ok();
        assertThat(out)
                .startsWith("GROUP:      apps\nKIND:       ReplicaSet\nVERSION:    v1\n\nDESCRIPTION:\n"
                        + "    ReplicaSet ensures that a specified number of pod replicas are running at\n"
                        + "    any given time.\n");
        assertThat(out)
                .contains(
                        "FIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n",
                        "  spec\t<ReplicaSetSpec>\n    minReadySeconds\t<integer>\n    replicas\t<integer>\n"
                                + "    selector\t<LabelSelector> -required-\n",
                        "          ports\t<[]ContainerPort>\n            containerPort\t<integer> -required-\n");
    }

    @Test
    void explainTheJobFieldsOfIndexedPolicies() {
        String out = kubectl.run("explain", "job.spec.successPolicy").ok();
        assertThat(out)
                .startsWith(
                        "GROUP:      batch\nKIND:       Job\nVERSION:    v1\n\nFIELD: successPolicy <SuccessPolicy>\n")
                .contains(
                        "    SuccessPolicy describes when a Job can be declared as succeeded",
                        "FIELDS:\n  rules\t<[]SuccessPolicyRule> -required-\n");
        assertThat(kubectl.run("explain", "job.spec.successPolicy.rules").ok())
                .contains("FIELDS:\n  succeededCount\t<integer>\n", "  succeededIndexes\t<string>\n");
        assertThat(kubectl.run("explain", "job.spec.backoffLimitPerIndex").ok())
                .contains("FIELD: backoffLimitPerIndex <integer>");
        assertThat(kubectl.run("explain", "job.spec.managedBy").ok()).contains("FIELD: managedBy <string>");
        assertThat(kubectl.run("explain", "job.status.failedIndexes").ok()).contains("FIELD: failedIndexes <string>");
    }

    @Test
    void explainAnUnknownFieldFailsAsKubectlSaysIt() {
        Kubectl.Result r = kubectl.run("explain", "pods.spec.nosuch");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("field \"nosuch\" does not exist");
    }
}
