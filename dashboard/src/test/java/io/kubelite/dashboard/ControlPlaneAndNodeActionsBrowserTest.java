package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.ControlPlaneComponents;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The control plane page and the node page's actions in headless Chromium against a real cluster
 * with leader-elected components ({@link ControlPlaneComponents}: two scheduler replicas and a
 * controller-manager whose node lifecycle controller has a {@value ControlPlaneComponents#GRACE_SECONDS}
 * s grace period): who leads and its Lease, a new leader shown live; fail node → Unknown with the
 * unreachable taints, recover → Ready; cordon → SchedulingDisabled as kubectl says; drain evicts a
 * pod and reports the one a PodDisruptionBudget protects. Every check reads the page, without reloading it.
 */
@Timeout(400)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneAndNodeActionsBrowserTest {
    /** A node failure takes the grace period plus up to one renew interval (10 s) to show. */
    static final Duration NODE_WAIT = Duration.ofSeconds(ControlPlaneComponents.GRACE_SECONDS + 30);

    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER = new DashboardCluster();

    @RegisterExtension
    @Order(2)
    static final ControlPlaneComponents CONTROL_PLANE = new ControlPlaneComponents(CLUSTER);

    @RegisterExtension
    @Order(3)
    static final Browser BROWSER = new Browser();

    @BeforeAll
    static void signIn() {
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", t -> t.equals("Cluster overview"));
    }

    @Test
    @Order(1)
    void theControlPlanePageShowsWhoLeadsAndANewLeaderLive() {
        BROWSER.open(CLUSTER.url() + "/#/control-plane");
        String scheduler = "section[data-component='kube-scheduler'] ";
        String holder = BROWSER.waitForElement(
                scheduler + "[data-field=holder]",
                "the scheduler's leader",
                t -> Set.of("scheduler-a", "scheduler-b").contains(t));
        BROWSER.waitForElement(
                scheduler + "[data-field=replicas]", "2/2 scheduler replicas ready", t -> t.equals("2/2 ready"));
        assertThat(BROWSER.textOf(scheduler + "tr[data-replica='kube-scheduler-" + holder + "'] [data-field=role]"))
                .isEqualTo("leader");
        assertThat(BROWSER.textOf(scheduler + "[data-field=fencing]"))
                .as("the fencing token")
                .matches("[1-9][0-9]*");
        assertThat(BROWSER.textOf(scheduler + "[data-lease]"))
                .contains("kube-system/scheduler: renewed", "duration 3s");
        BROWSER.waitForElement(
                "section[data-component='kube-controller-manager'] [data-field=holder]",
                "the controller-manager's leader",
                t -> t.equals("controller-manager-a"));
        assertThat(BROWSER.textOf("[data-field=revision]")).contains("Highest resourceVersion seen");
        BROWSER.waitForElement(
                "section[data-component='etcd'] [data-field=role]",
                "the etcd member, raft leader",
                t -> t.matches("member [0-9a-f]+, raft leader, v3\\..*"));
        BROWSER.script("window.__noReload = 'still here'");

        String token = BROWSER.textOf(scheduler + "[data-field=fencing]");
        String next = holder.equals("scheduler-a") ? "scheduler-b" : "scheduler-a";
        // on a loaded machine a 3 s Lease may already have changed hands once before this point
        String transitionsBefore = CLUSTER.kubectl()
                .run("-n", "kube-system", "get", "lease", "scheduler", "-o", "jsonpath={.spec.leaseTransitions}")
                .ok()
                .trim();
        long expectedTransitions = (transitionsBefore.isEmpty() ? 0 : Long.parseLong(transitionsBefore)) + 1;
        CONTROL_PLANE.stopScheduler(holder);
        long leaseChanged = Poll.until(
                Duration.ofSeconds(30),
                "the Lease kube-system/scheduler held by " + next,
                () -> CLUSTER.kubectl()
                                .run(
                                        "-n",
                                        "kube-system",
                                        "get",
                                        "lease",
                                        "scheduler",
                                        "-o",
                                        "jsonpath={.spec.holderIdentity}")
                                .ok()
                                .trim()
                                .equals(next)
                        ? System.nanoTime()
                        : null,
                t -> t != null);
        String shown = BROWSER.waitForElement(
                scheduler + "[data-field=holder]", "the new leader " + next, t -> t.equals(next));
        long shownAfter = Duration.ofNanos(System.nanoTime() - leaseChanged).toMillis();
        System.out.printf(
                "new scheduler leader %s on the page %d ms after kubectl saw the Lease change%n", shown, shownAfter);
        assertThat(shownAfter)
                .as("ms from kubectl seeing the new holder to the page showing it")
                .isLessThan(1500);
        assertThat(BROWSER.textOf(scheduler + "[data-field=fencing]"))
                .as("a new term, a new token")
                .isNotEqualTo(token);
        BROWSER.waitForElement(
                scheduler + "[data-field=transitions]",
                "one transition more than the " + transitionsBefore + " before the stop",
                t -> t.equals(Long.toString(expectedTransitions)));
        assertThat(BROWSER.script("return window.__noReload"))
                .as("not reloaded")
                .isEqualTo("still here");
    }

    @Test
    @Order(2)
    void cordonShowsSchedulingDisabledAndKubectlAgrees() {
        openNode("sim-node-2");
        BROWSER.waitForElement("[data-field=node-status]", "sim-node-2 Ready", t -> t.equals("Ready"));
        click("Cordon");
        assertThat(BROWSER.script("return document.activeElement.innerText"))
                .as("focus on Cancel")
                .isEqualTo("Cancel");
        confirm("Cordon sim-node-2");
        BROWSER.waitForElement(
                "[data-field=action-result]", "the cordon's message", t -> t.equals("node sim-node-2 cordoned"));
        BROWSER.waitForElement(
                "[data-field=node-status]",
                "sim-node-2 Ready,SchedulingDisabled",
                t -> t.equals("Ready,SchedulingDisabled"));
        assertThat(CLUSTER.kubectl()
                        .run("get", "node", "sim-node-2", "--no-headers")
                        .ok())
                .contains("Ready,SchedulingDisabled");

        Object refused = ((org.openqa.selenium.JavascriptExecutor) BROWSER.driver()).executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        fetch('/api/actions/cordon', {method: 'POST', headers: {'Content-Type': 'application/json',
                            'X-Kubelite-Dashboard': '1'}, body: JSON.stringify({node: 'Not_A_Node'})})
                          .then(r => r.json().then(b => done(r.status + ' ' + b.message)));
                        """);
        assertThat(refused).isEqualTo("400 \"Not_A_Node\" is not a valid node name");

        click("Uncordon");
        confirm("Uncordon sim-node-2");
        BROWSER.waitForElement("[data-field=node-status]", "sim-node-2 schedulable again", t -> t.equals("Ready"));
        assertThat(CLUSTER.kubectl()
                        .run("get", "node", "sim-node-2", "--no-headers")
                        .ok())
                .doesNotContain("SchedulingDisabled");
    }

    @Test
    @Order(3)
    void drainEvictsThePodsAndReportsWhatADisruptionBudgetBlocked() {
        CLUSTER.kubectl().run("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: drained, namespace: default}
                        spec:
                          nodeName: sim-node-1
                          containers: [{name: c, image: nginx}]
                        ---
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: guarded, namespace: default, labels: {app: guarded}}
                        spec:
                          nodeName: sim-node-1
                          containers: [{name: c, image: nginx}]
                        ---
                        apiVersion: policy/v1
                        kind: PodDisruptionBudget
                        metadata: {name: guarded, namespace: default}
                        spec:
                          minAvailable: 1
                          selector: {matchLabels: {app: guarded}}
                        """, java.util.Map.of(), "apply", "-f", "-").ok();
        Poll.until(
                Duration.ofSeconds(30),
                "the budget counting guarded healthy (so it allows no disruption)",
                () -> CLUSTER.kubectl()
                        .run(
                                "get",
                                "pdb",
                                "guarded",
                                "-o",
                                "jsonpath={.status.currentHealthy}/{.status.desiredHealthy}")
                        .ok(),
                s -> s.equals("1/1"));
        openNode("sim-node-1");
        BROWSER.waitForElement(
                "tr[data-pod='default/drained'] [data-field=status]",
                "drained Running on sim-node-1",
                t -> t.equals("Running"));
        BROWSER.waitForElement(
                "tr[data-pod='default/guarded'] [data-field=status]",
                "guarded Running on sim-node-1",
                t -> t.equals("Running"));
        click("Drain");
        assertThat(BROWSER.textOf("dialog[open]"))
                .contains("evicts 2 pods", "not managed by a controller", "default/drained, default/guarded");
        confirm("Drain sim-node-1");
        // the cordon shows at once, while the blocked eviction is still being retried
        BROWSER.waitForElement(
                "[data-field=node-status]",
                "sim-node-1 cordoned by the drain",
                t -> t.equals("Ready,SchedulingDisabled"));
        BROWSER.waitForAbsence("tr[data-pod='default/drained']", "the evicted pod gone from the node's pods");
        String report = waitLong(
                "[data-field=action-result]", "the drain's report", t -> t.startsWith("node sim-node-1 cordoned"));
        assertThat(report)
                .contains("evicted 1 pod: default/drained")
                .contains(
                        "still blocked when the drain gave up: default/guarded: Cannot evict pod as it would violate the pod's disruption budget");
        assertThat(BROWSER.textOf("tr[data-pod='default/guarded'] [data-field=status]"))
                .isEqualTo("Running");
        assertThat(CLUSTER.kubectl()
                        .run("get", "pod", "drained", "--ignore-not-found")
                        .ok())
                .isBlank();
        CLUSTER.kubectl().run("delete", "pdb", "guarded").ok();
        CLUSTER.kubectl().run("delete", "pod", "guarded", "--wait=false").ok();
        CLUSTER.kubectl().run("uncordon", "sim-node-1").ok();
    }

    @Test
    @Order(4)
    void failNodeTurnsItUnknownWithTheUnreachableTaintsAndRecoverBringsItBack() {
        openNode("sim-node-3");
        BROWSER.waitForElement("[data-field=node-status]", "sim-node-3 Ready", t -> t.equals("Ready"));
        BROWSER.script("window.__noReload = 'still here'");
        click("Fail node");
        confirm("Fail sim-node-3");
        BROWSER.waitForElement("[data-field=heartbeats]", "heartbeats stopped", t -> t.startsWith("stopped"));
        waitLong("[data-field=node-status]", "sim-node-3 Unknown after the grace period", t -> t.equals("Unknown"));
        waitLong(
                "tr[data-taint='node.kubernetes.io/unreachable:NoExecute']",
                "the unreachable NoExecute taint with its time",
                t -> t.contains("ago"));
        assertThat(BROWSER.textOf("tr[data-condition=Ready]")).contains("NodeStatusUnknown");
        assertThat(CLUSTER.kubectl()
                        .run("get", "node", "sim-node-3", "--no-headers")
                        .ok())
                .contains("NotReady");

        click("Recover node");
        confirm("Recover sim-node-3");
        waitLong("[data-field=node-status]", "sim-node-3 Ready again", t -> t.equals("Ready"));
        waitLong("[data-field=taints]", "the taints gone", t -> t.equals("none"));
        assertThat(BROWSER.script("return window.__noReload"))
                .as("not reloaded")
                .isEqualTo("still here");
    }

    private static void openNode(String node) {
        BROWSER.open(CLUSTER.url() + "/#/overview");
        BROWSER.waitFor("tr[data-node='" + node + "'] a").click(); // the overview links node names
        BROWSER.waitForElement("h1", "the node page of " + node, t -> t.equals("Node " + node));
        BROWSER.waitForElement(".view-status", "the node view live", t -> t.equals("Live"));
    }

    private static void click(String button) {
        Poll.until(
                        Browser.WAIT,
                        "a button \"" + button + "\"",
                        () -> BROWSER.driver()
                                .findElements(
                                        By.xpath("//div[@class='actions']/button[normalize-space()='" + button + "']")),
                        l -> !l.isEmpty() && l.get(0).isEnabled())
                .get(0)
                .click();
        BROWSER.waitFor("dialog[open]");
    }

    private static void confirm(String label) {
        var b = BROWSER.driver().findElement(By.cssSelector("dialog[open] button[data-confirm]"));
        assertThat(b.getText()).isEqualTo(label);
        b.click();
        BROWSER.waitForAbsence("dialog[open]", "the confirmation closed");
    }

    private static String waitLong(String css, String what, java.util.function.Predicate<String> done) {
        return Poll.until(
                        NODE_WAIT,
                        what,
                        () -> new Browser.Seen(BROWSER.textOf(css), BROWSER.text()),
                        s -> s.element() != null && done.test(s.element()))
                .element();
    }
}
