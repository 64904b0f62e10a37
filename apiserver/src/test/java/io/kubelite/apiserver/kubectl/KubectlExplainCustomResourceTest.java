package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl explain} of a custom resource follows its CRD: it works within seconds of the
 * CRD's apply (the OpenAPI documents are regenerated and the v3 index's hash changes, so kubectl's
 * cache refetches), shows a schema change, and fails again once the CRD is deleted. Applying a
 * CronTab with kubectl's default {@code --validate=strict} keeps working with the schema published.
 */
class KubectlExplainCustomResourceTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void explainFollowsTheCrd() throws Exception {
        String crd = KubectlCustomResourceDefinitionTest.crontabCrd();
        kubectl.run(crd, Map.of(), "apply", "-f", "-").ok();
        Kubectl.Result kind = Poll.until(
                Duration.ofSeconds(20),
                "kubectl explain crontabs to describe the CRD's kind",
                () -> kubectl.run("explain", "crontabs"),
                r -> r.exitCode() == 0);
        assertThat(kind.out())
                .startsWith("GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n")
                .contains(
                        "FIELDS:\n  apiVersion\t<string>\n",
                        "  kind\t<string>\n",
                        "  metadata\t<ObjectMeta>\n",
                        "  spec\t<Object>\n");
        assertThat(kubectl.run("explain", "crontab.spec.cronSpec").ok())
                .startsWith("GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\n"
                        + "FIELD: cronSpec <string>\n");
        assertThat(kubectl.run("explain", "crontab.metadata.labels").ok())
                .contains("FIELD: labels <map[string]string>");

        // kubectl's default client-side step (--validate=strict becomes the server's fieldValidation)
        String cronTab = KubectlCustomResourceDefinitionTest.resource("/crd/crontab.yaml");
        assertThat(kubectl.run(cronTab, Map.of(), "apply", "--validate=strict", "-f", "-")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object created\n");
        assertThat(kubectl.run(cronTab.replace("my-awesome-cron-image", "other"), Map.of(), "apply", "-f", "-")
                        .ok())
                .isEqualTo("crontab.stable.example.com/my-new-cron-object configured\n");

        // a new field in the schema shows up
        String withTimezone = crd.replace(
                "                image:\n",
                "                timeZone:\n                  type: string\n"
                        + "                  description: the zone the schedule is read in\n"
                        + "                image:\n");
        assertThat(withTimezone).isNotEqualTo(crd);
        kubectl.run(withTimezone, Map.of(), "apply", "-f", "-").ok();
        Kubectl.Result field = Poll.until(
                Duration.ofSeconds(20),
                "kubectl explain crontab.spec.timeZone after the schema gained it",
                () -> kubectl.run("explain", "crontab.spec.timeZone"),
                r -> r.exitCode() == 0);
        assertThat(field.out()).contains("FIELD: timeZone <string>", "the zone the schedule is read in");

        kubectl.run("delete", "crd", "crontabs.stable.example.com").ok();
        Kubectl.Result gone = Poll.until(
                Duration.ofSeconds(20),
                "kubectl explain crontabs to fail once the CRD is deleted",
                () -> kubectl.run("explain", "crontabs"),
                r -> r.exitCode() != 0);
        assertThat(gone.err()).contains("crontabs");
    }
}
