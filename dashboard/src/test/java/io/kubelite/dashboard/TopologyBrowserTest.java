package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The topology page in headless Chromium against a real cluster (etcd, API server, scheduler,
 * Deployment and ReplicaSet controllers, kubelet-sim with 4 nodes in zone-a and zone-b): the seed's
 * example, a Deployment spread over zones with maxSkew 1 applied with the real kubectl, drawn per
 * zone and node with its skew, following {@code kubectl scale} without a reload; a bad selector is a
 * clear error.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyBrowserTest {
    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER = new DashboardCluster();

    @RegisterExtension
    @Order(2)
    static final Browser BROWSER = new Browser();

    private static InProcessControllerManager controllers;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 4
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector: {matchLabels: {app: web}}
                  containers:
                  - {name: web, image: nginx}
            """;

    @BeforeAll
    static void startControllers() throws Exception {
        controllers = InProcessControllerManager.start(CLUSTER.cluster(), "cm-topology", "replicaset,deployment");
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", t -> t.equals("Cluster overview"));
    }

    @AfterAll
    static void stopControllers() {
        if (controllers != null) {
            controllers.close();
        }
    }

    @Test
    @Order(1)
    void aZoneSpreadDeploymentIsDrawnPerZoneAndNodeWithItsSkewAndFollowsKubectlScale() {
        CLUSTER.kubectl().run(DEPLOYMENT, Map.of(), "apply", "-f", "-").ok();
        BROWSER.open(CLUSTER.url() + "/#/topology?namespace=default");
        typeSelector("app=web");
        BROWSER.waitForElement(".view-status", "the topology stream live", t -> t.equals("Live"));
        BROWSER.script("window.__noReload = 'still here'");

        expectSpread(4, "2 pods on 2 nodes", "2 pods on 2 nodes", true);
        String row = "tr[data-constraint='topology.kubernetes.io/zone']";
        assertThat(BROWSER.textOf(row + " td:nth-child(1)")).contains("ReplicaSet default/web-");
        assertThat(BROWSER.textOf(row + " td:nth-child(1)")).contains("selects app=web");
        assertThat(BROWSER.textOf(row + " td:nth-child(4)")).isEqualTo("DoNotSchedule");
        // every pod is a chip on a node of its zone, with its state in words
        for (String zone : DashboardCluster.ZONES) {
            String chips = BROWSER.textOf("section[data-zone='" + zone + "'] .topo-nodes");
            assertThat(chips).as("zone " + zone).contains("Running, ready");
        }

        CLUSTER.kubectl().run("scale", "deployment/web", "--replicas=7").ok();
        expectSpread(7, null, null, true);
        // a scale-down keeps no spread (kube's ReplicaSet controller picks pods by node, not zone):
        // both may be left in one zone, and then the page must say the skew is over its max
        CLUSTER.kubectl().run("scale", "deployment/web", "--replicas=2").ok();
        expectSpread(2, null, null, false);
        assertThat(BROWSER.script("return window.__noReload"))
                .as("the page was not reloaded")
                .isEqualTo("still here");
    }

    @Test
    @Order(2)
    void aBadSelectorIsAClearErrorOnThePage() {
        BROWSER.open(CLUSTER.url() + "/#/topology?namespace=default");
        typeSelector("app in (web");
        BROWSER.waitForElement(
                ".view-status[data-status=error]",
                "the selector's error",
                t -> t.startsWith("label selector \"app in (web\" is not valid:"));
        assertThat(BROWSER.driver().findElements(By.cssSelector(".topo-node"))).isEmpty();
    }

    private static void typeSelector(String selector) {
        var field = BROWSER.waitFor("#topo-selector");
        field.clear();
        field.sendKeys(selector, Keys.ENTER); // submitting with the keyboard, as a user would
    }

    /**
     * Waits until the page shows {@code replicas} Running and ready web pods over the zones (and the
     * zones' texts, when given), and checks that each zone's count is the sum of its nodes' and the
     * constraint's per-domain counts, and that the skew shown is theirs, within or over max 1 as
     * it is. {@code scheduled}: the pods were just placed by the scheduler, so the skew is at most 1.
     */
    private static void expectSpread(int replicas, String zoneA, String zoneB, boolean scheduled) {
        Pattern domain = Pattern.compile("zone-a: (\\d+)\\s*zone-b: (\\d+)");
        String row = "tr[data-constraint='topology.kubernetes.io/zone']";
        String domains = BROWSER.waitForElement(
                row + " [data-field=domains]", replicas + " web pods counted over zone-a and zone-b", t -> {
                    Matcher m = domain.matcher(t);
                    return m.find() && Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) == replicas;
                });
        // pods scaled away stay on the page, Terminating, until kubelet-sim has stopped them
        Poll.until(
                Duration.ofSeconds(90),
                replicas + " pods match, none left Terminating",
                () -> new Browser.Seen(BROWSER.textOf("[data-field=matching]"), BROWSER.text()),
                s -> s.element() != null && s.element().startsWith(replicas + " pods match app=web"));
        BROWSER.waitForText(
                replicas + " chips Running and ready",
                t -> BROWSER.driver()
                                .findElements(By.cssSelector(".chip-ready[data-pod^='default/web-']"))
                                .size()
                        == replicas);
        Matcher m = domain.matcher(domains);
        assertThat(m.find()).isTrue();
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        int skew = Math.abs(a - b);
        if (scheduled) {
            assertThat(skew)
                    .as("zone skew after scheduling (DoNotSchedule, maxSkew 1)")
                    .isLessThanOrEqualTo(1);
        }
        assertThat(BROWSER.textOf(row + " [data-field=skew]"))
                .isEqualTo(skew + (skew > 1 ? " (over max 1)" : " (within 1)"));
        if (zoneA != null) {
            BROWSER.waitForElement(
                    "section[data-zone='zone-a'] [data-field=zone-count]", "zone-a", t -> t.equals(zoneA));
            BROWSER.waitForElement(
                    "section[data-zone='zone-b'] [data-field=zone-count]", "zone-b", t -> t.equals(zoneB));
        }
        assertThat(BROWSER.textOf("section[data-zone='zone-a'] [data-field=zone-count]"))
                .startsWith(a + " pods");
        assertThat(BROWSER.textOf("section[data-zone='zone-b'] [data-field=zone-count]"))
                .startsWith(b + " pods");
    }
}
