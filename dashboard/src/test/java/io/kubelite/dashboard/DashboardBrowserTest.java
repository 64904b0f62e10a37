package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.DashboardCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The dashboard in headless Chromium against a real cluster (etcd, API server, scheduler,
 * kubelet-sim with nodes in two zones): signing in with the one-time link and with a token, the
 * overview's nodes by zone, and the pods page following kubectl's changes live.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER = new DashboardCluster();

    @RegisterExtension
    @Order(2)
    static final Browser BROWSER = new Browser();

    @Test
    @Order(1)
    void theOneTimeLoginLinkSignsInOnceThenShowsTheLoginPage() {
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after following the login link", t -> t.equals("Cluster overview"));
        assertThat(BROWSER.url()).endsWith("/#/overview");
        assertThat(BROWSER.textOf(".user")).isEqualTo("kubernetes-admin");

        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForText(
                "the login page saying the link was used",
                t -> t.contains("That login link was already used or is not valid"));
        assertThat(BROWSER.driver().findElements(By.id("token"))).hasSize(1);
    }

    @Test
    @Order(2)
    void aBadTokenIsRefusedWithAClearMessage() {
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.open(CLUSTER.url() + "/#/login");
        signIn("not-a-real-token");
        String error = BROWSER.waitForElement("#login-error", "the login page's error", t -> !t.isBlank());
        assertThat(error).isEqualTo("the API server did not accept this token (401 Unauthorized)");
        assertThat(BROWSER.textOf(".user")).isNull();
    }

    @Test
    @Order(3)
    void aGoodTokenSignsInAsItsUser() {
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.open(CLUSTER.url() + "/#/login");
        signIn(DashboardCluster.USER_TOKEN);
        BROWSER.waitForElement(".user", "the signed-in user in the top bar", t -> t.equals("jane"));
        BROWSER.waitForElement("h1", "the overview", t -> t.equals("Cluster overview"));
    }

    @Test
    @Order(4)
    void theOverviewShowsTheNodesByZone() {
        BROWSER.open(CLUSTER.url() + "/#/overview");
        for (String zone : DashboardCluster.ZONES) {
            BROWSER.waitForElement(
                    "section[data-zone='" + zone + "'] h2",
                    "zone " + zone + " with 2 Ready nodes",
                    t -> t.contains("Zone " + zone) && t.contains("2 nodes: 2 Ready"));
        }
        for (int i = 0; i < DashboardCluster.NODES; i++) {
            String zone = DashboardCluster.ZONES.get(i % 2);
            BROWSER.waitForElement(
                    "section[data-zone='" + zone + "'] tr[data-node='sim-node-" + i + "'] [data-field=ready]",
                    "sim-node-" + i + " Ready in " + zone,
                    t -> t.startsWith("Ready"));
        }
    }

    @Test
    @Order(5)
    void aPodMadeWithKubectlAppearsGoesRunningAndDisappearsWithoutAReload() {
        BROWSER.open(CLUSTER.url() + "/#/pods?namespace=default");
        BROWSER.waitForElement(".view-status", "the pods stream live", t -> t.equals("Live"));
        BROWSER.script("window.__noReload = 'still here'");
        String row = "tr[data-pod='default/web']";

        CLUSTER.kubectl().run("run", "web", "--image=nginx", "--restart=Never").ok();
        BROWSER.waitFor(row);
        BROWSER.waitForElement(row + " [data-field=status]", "web Running", t -> t.equals("Running"));
        BROWSER.waitForElement(row + " [data-field=ready]", "web ready 1/1", t -> t.equals("1/1"));

        CLUSTER.kubectl().run("delete", "pod", "web", "--wait=false").ok();
        BROWSER.waitForAbsence(row, "the web row gone after kubectl delete");
        assertThat(BROWSER.script("return window.__noReload"))
                .as("the page was not reloaded")
                .isEqualTo("still here");
    }

    @Test
    @Order(6)
    void aServiceAccountSeesOnlyWhatItsOwnTokenMayList() {
        CLUSTER.kubectl().run("""
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: team-a}
                        ---
                        apiVersion: v1
                        kind: ServiceAccount
                        metadata: {name: viewer, namespace: team-a}
                        ---
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: Role
                        metadata: {name: everything, namespace: team-a}
                        rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
                        ---
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: RoleBinding
                        metadata: {name: viewer-everything, namespace: team-a}
                        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything}
                        subjects: [{kind: ServiceAccount, name: viewer, namespace: team-a}]
                        """, java.util.Map.of(), "apply", "-f", "-").ok();
        // kube >= 1.24: a token from TokenRequest, not a Secret
        String token = CLUSTER.kubectl()
                .run("-n", "team-a", "create", "token", "viewer")
                .ok()
                .trim();
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.open(CLUSTER.url() + "/#/login");
        signIn(token);
        BROWSER.waitForElement(
                ".user", "the service account signed in", t -> t.equals("system:serviceaccount:team-a:viewer"));
        // bound to a Role in its namespace only: everything there, nothing cluster-wide (RBAC)
        BROWSER.waitForElement(
                ".view-status",
                "the overview refused: nodes are cluster-scoped",
                t -> t.equals("user system:serviceaccount:team-a:viewer may not list nodes"));

        BROWSER.open(CLUSTER.url() + "/#/pods?namespace=team-a");
        BROWSER.waitForElement(".view-status", "team-a's pods, live", t -> t.equals("Live"));
        CLUSTER.kubectl()
                .run("-n", "team-a", "run", "api", "--image=nginx", "--restart=Never")
                .ok();
        BROWSER.waitForElement(
                "tr[data-pod='team-a/api'] [data-field=status]", "team-a/api Running", t -> t.equals("Running"));

        BROWSER.open(CLUSTER.url() + "/#/pods");
        BROWSER.waitForElement(
                ".view-status",
                "every namespace's pods refused",
                t -> t.equals("user system:serviceaccount:team-a:viewer may not list pods in all namespaces"));
    }

    private static void signIn(String token) {
        var field = BROWSER.waitFor("#token");
        field.clear(); // the same page may still hold the last attempt
        field.sendKeys(token);
        BROWSER.driver().findElement(By.cssSelector("form button[type=submit]")).click();
    }
}
