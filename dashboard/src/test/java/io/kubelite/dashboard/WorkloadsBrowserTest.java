package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The workloads and apply pages in headless Chromium against a real cluster with the ReplicaSet
 * Deployment and StatefulSet controllers: a Deployment made with kubectl shows its rollout, and the
 * page's scale, rollout restart and rollout undo (each after its confirmation) change what kubectl
 * sees; applying a manifest creates its objects, a bad one or a conflicting one is refused whole.
 */
@Timeout(400)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsBrowserTest {
    /** Rollouts on a busy 2-core machine take longer than the browser's default wait. */
    private static final Duration ROLLOUT = Duration.ofSeconds(90);

    private static final String WEB = "tr[data-workload='Deployment/default/web']";

    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER =
            new DashboardCluster().controllers("replicaset", "deployment", "statefulset");

    @RegisterExtension
    @Order(2)
    static final Browser BROWSER = new Browser();

    @BeforeAll
    static void signIn() {
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", t -> t.equals("Cluster overview"));
    }

    @Test
    @Order(1)
    void aDeploymentMadeWithKubectlShowsItsRolloutProgress() {
        BROWSER.open(CLUSTER.url() + "/#/workloads?namespace=default");
        BROWSER.waitForElement(".view-status", "the workloads stream live", t -> t.equals("Live"));
        kubectl()
                .run("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
                .ok();

        waitLong(WEB + " [data-field=ready]", "web 2/2 ready", t -> t.equals("2/2"));
        waitLong(
                WEB + " [data-field=rollout]",
                "web's rollout complete in kubectl's words",
                t -> t.equals("deployment \"web\" successfully rolled out"));
        assertThat(BROWSER.textOf(WEB + " [data-field=available]")).isEqualTo("2");
        assertThat(BROWSER.textOf(WEB + " [data-field=pods] summary")).isEqualTo("2 pods, 2 running");
        // its ReplicaSet, owned by it
        String rs = "tr[data-workload^='ReplicaSet/default/web-']";
        BROWSER.waitForElement(
                rs + " [data-field=owner]", "web's ReplicaSet owned by it", t -> t.equals("Deployment web"));
        assertThat(BROWSER.textOf(rs + " [data-field=ready]")).isEqualTo("2");
    }

    @Test
    @Order(2)
    void scalingFromThePageAfterConfirmingChangesWhatKubectlSees() {
        BROWSER.script("window.__noReload = 'still here'");
        openDialog(WEB, "scale");
        assertThat(BROWSER.textOf("#confirm-title")).isEqualTo("Scale deployment web?");

        WebElement replicas = BROWSER.driver().findElement(By.id("scale-replicas"));
        replicas.clear();
        replicas.sendKeys("-1");
        confirm();
        BROWSER.waitForElement(
                "#scale-error",
                "a negative count refused in the dialog",
                t -> t.equals("Enter a whole number, 0 or more."));
        assertThat(kubectl()
                        .run("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("2");

        replicas.clear();
        replicas.sendKeys("4");
        confirm();
        BROWSER.waitForElement("#action-result", "the scale result", t -> t.equals("deployment.apps/web scaled to 4"));
        Poll.until(
                ROLLOUT,
                "kubectl sees 4 replicas",
                () -> kubectl()
                        .run("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                        .out(),
                "4"::equals);
        waitLong(WEB + " [data-field=ready]", "web 4/4 ready without a reload", t -> t.equals("4/4"));
        assertThat(BROWSER.script("return window.__noReload"))
                .as("the page was not reloaded")
                .isEqualTo("still here");

        // the server checks too: a request the page would never send is refused with a clear message
        assertThat(postAction(
                        "scale",
                        "{\"kind\":\"Deployment\",\"namespace\":\"default\",\"name\":\"web\",\"replicas\":\"2.5\"}"))
                .isEqualTo("400 replicas must be a whole number, 0 or more, not \"2.5\"");
    }

    @Test
    @Order(3)
    void rolloutRestartMakesANewReplicaSetAndUndoReturnsToThePreviousTemplate() {
        openDialog(WEB, "rollout-restart");
        confirm();
        BROWSER.waitForElement("#action-result", "the restart result", t -> t.equals("deployment.apps/web restarted"));
        assertThat(kubectl()
                        .run("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations}")
                        .ok())
                .contains("kubectl.kubernetes.io/restartedAt");
        Poll.until(
                ROLLOUT,
                "two ReplicaSets of web on the page",
                () -> BROWSER.script(
                        "return document.querySelectorAll(\"tr[data-workload^='ReplicaSet/default/web-']\").length"),
                n -> ((Number) n).intValue() == 2);
        waitLong(WEB + " [data-field=revision]", "web at revision 2", t -> t.equals("2"));
        waitLong(
                WEB + " [data-field=rollout]",
                "the restart rolled out",
                t -> t.equals("deployment \"web\" successfully rolled out"));

        openDialog(WEB, "rollout-undo");
        assertThat(BROWSER.textOf("#confirm-title")).isEqualTo("Undo the last rollout of deployment web?");
        confirm();
        BROWSER.waitForElement(
                "#action-result", "the undo result", t -> t.equals("deployment.apps/web rolled back to revision 1"));
        Poll.until(
                ROLLOUT,
                "the template back to revision 1's (no restartedAt)",
                () -> kubectl()
                        .run("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations}")
                        .out(),
                a -> !a.contains("restartedAt"));
        // as in Kubernetes, the old ReplicaSet is reused and its revision becomes the newest
        waitLong(WEB + " [data-field=revision]", "web at revision 3", t -> t.equals("3"));
        waitLong(
                WEB + " [data-field=rollout]",
                "the undo rolled out",
                t -> t.equals("deployment \"web\" successfully rolled out"));
        assertThat(kubectl()
                        .run("get", "replicasets", "-l", "app=web", "--no-headers")
                        .ok()
                        .lines())
                .as("still two ReplicaSets: the first one took the pods back")
                .hasSize(2);
    }

    @Test
    @Order(4)
    void applyingATwoDocumentManifestCreatesBothObjects() {
        BROWSER.open(CLUSTER.url() + "/#/apply?namespace=default");
        BROWSER.waitForElement("h1", "the apply page", t -> t.equals("Apply a manifest"));
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app-config
                data:
                  greeting: hello
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: api}
                  template:
                    metadata:
                      labels: {app: api}
                    spec:
                      containers:
                      - name: api
                        image: nginx:1.27
                """;
        type(manifest);

        BROWSER.driver().findElement(By.id("dry-run")).click();
        BROWSER.waitForElement(
                "#apply-result",
                "the dry run's lines",
                t -> t.equals("configmap/app-config serverside-applied (server dry run)\n"
                        + "deployment.apps/api serverside-applied (server dry run)"));
        assertThat(kubectl().run("get", "configmap", "app-config").err()).contains("NotFound");

        BROWSER.driver().findElement(By.id("apply")).click();
        assertThat(BROWSER.waitForElement("#confirm-title", "the apply confirmation", t -> !t.isBlank()))
                .isEqualTo("Apply 2 documents?");
        assertThat(BROWSER.script("return document.activeElement.textContent")).isEqualTo("Cancel");
        confirm();
        BROWSER.waitForElement(
                "#apply-result",
                "one line per applied object",
                t -> t.equals("configmap/app-config serverside-applied\ndeployment.apps/api serverside-applied"));
        assertThat(kubectl()
                        .run("get", "configmap", "app-config", "-o", "jsonpath={.data.greeting}")
                        .ok())
                .isEqualTo("hello");
        assertThat(kubectl()
                        .run("get", "deployment", "api", "-o", "jsonpath={.metadata.managedFields[0].manager}")
                        .ok())
                .isEqualTo("kubelite-dashboard");
    }

    @Test
    @Order(5)
    void aBadManifestShowsAClearErrorAndCreatesNothing() {
        BROWSER.open(CLUSTER.url() + "/#/apply?namespace=default");
        BROWSER.waitForElement("h1", "the apply page", t -> t.equals("Apply a manifest"));
        type("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: first-cm}
                ---
                apiVersion: apps/v1
                kind: Deploymnet
                metadata: {name: typo}
                """);
        applyConfirmed();
        BROWSER.waitForElement(
                "#apply-result[role=alert]",
                "an unknown kind named",
                t -> t.equals("document 2: no matches for kind \"Deploymnet\" in version \"apps/v1\""));
        assertThat(kubectl().run("get", "configmap", "first-cm").err()).contains("NotFound");

        // every object is dry-run first: one the API server refuses means none is written
        type("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: second-cm}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: negative}
                spec:
                  replicas: -1
                  selector: {matchLabels: {app: negative}}
                  template:
                    metadata: {labels: {app: negative}}
                    spec: {containers: [{name: c, image: nginx}]}
                """);
        applyConfirmed();
        String error = BROWSER.waitForElement(
                "#apply-result[role=alert]",
                "the refused object and nothing applied",
                t -> t.startsWith("nothing was applied:"));
        assertThat(error)
                .contains("configmap/second-cm serverside-applied (server dry run)")
                .contains("deployment.apps/negative: error: ")
                .contains("spec.replicas");
        assertThat(kubectl().run("get", "configmap", "second-cm").err()).contains("NotFound");
        assertThat(kubectl().run("get", "deployment", "negative").err()).contains("NotFound");

        type("kind: [unclosed");
        applyConfirmed();
        BROWSER.waitForElement(
                "#apply-result[role=alert]",
                "a YAML syntax error",
                t -> t.startsWith("the manifest is not valid YAML or JSON: "));
    }

    @Test
    @Order(6)
    void aConflictWithAnotherFieldManagerIsShownAndNotForced() {
        // another manager takes spec.replicas of the Deployment the dashboard applied
        kubectl()
                .run(
                        """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: api}
                        spec: {replicas: 2}
                        """,
                        java.util.Map.of(),
                        "apply",
                        "--server-side",
                        "--force-conflicts",
                        "--field-manager=ops",
                        "-f",
                        "-")
                .ok();
        BROWSER.open(CLUSTER.url() + "/#/apply?namespace=default");
        BROWSER.waitForElement("h1", "the apply page", t -> t.equals("Apply a manifest"));
        type("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: api, image: nginx:1.27}]}
                """);
        applyConfirmed();
        String error = BROWSER.waitForElement(
                "#apply-result[role=alert]", "the conflict named", t -> t.startsWith("nothing was applied:"));
        assertThat(error)
                .contains("deployment.apps/api: conflict: ")
                .contains("ops")
                .contains(".spec.replicas");
        assertThat(kubectl()
                        .run("get", "deployment", "api", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .as("not forced")
                .isEqualTo("2");
    }

    @Test
    @Order(7)
    void aStatefulSetIsRestartedAndRolledBackThroughItsControllerRevisions() {
        kubectl().run("""
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata: {name: db}
                        spec:
                          serviceName: db
                          replicas: 1
                          selector: {matchLabels: {app: db}}
                          template:
                            metadata: {labels: {app: db}}
                            spec: {containers: [{name: db, image: postgres:17}]}
                        """, java.util.Map.of(), "apply", "-f", "-").ok();
        String db = "tr[data-workload='StatefulSet/default/db']";
        BROWSER.open(CLUSTER.url() + "/#/workloads?namespace=default");
        waitLong(db + " [data-field=ready]", "db 1/1 ready", t -> t.equals("1/1"));
        waitLong(db + " [data-field=rollout][data-state=complete]", "db rolled out", t -> true);

        openDialog(db, "rollout-restart");
        confirm();
        BROWSER.waitForElement("#action-result", "the restart result", t -> t.equals("statefulset.apps/db restarted"));
        Poll.until(
                ROLLOUT,
                "db's second ControllerRevision",
                () -> kubectl()
                        .run("get", "controllerrevisions", "-l", "app=db", "--no-headers")
                        .out(),
                out -> out.lines().count() == 2);
        waitLong(db + " [data-field=rollout][data-state=complete]", "the restart rolled out", t -> true);

        openDialog(db, "rollout-undo");
        confirm();
        BROWSER.waitForElement(
                "#action-result", "the undo result", t -> t.equals("statefulset.apps/db rolled back to revision 1"));
        Poll.until(
                ROLLOUT,
                "db's template back to revision 1's (no restartedAt)",
                () -> kubectl()
                        .run("get", "statefulset", "db", "-o", "jsonpath={.spec.template.metadata.annotations}")
                        .out(),
                a -> !a.contains("restartedAt"));
    }

    private static Kubectl kubectl() {
        return CLUSTER.kubectl();
    }

    private static String waitLong(String css, String what, Predicate<String> done) {
        return Poll.until(
                        ROLLOUT,
                        what,
                        () -> new Browser.Seen(BROWSER.textOf(css), BROWSER.text()),
                        s -> s.element() != null && done.test(s.element()))
                .element();
    }

    /** Clicks the row's action button and waits for its dialog, whose focus must be on Cancel. */
    private static void openDialog(String row, String action) {
        BROWSER.driver()
                .findElement(By.cssSelector(row + " button[data-action='" + action + "']"))
                .click();
        BROWSER.waitForElement(
                "dialog.confirm[open] #confirm-title", "the " + action + " confirmation", t -> !t.isBlank());
        assertThat(BROWSER.script("return document.activeElement.textContent"))
                .as("focus on Cancel")
                .isEqualTo("Cancel");
    }

    private static void confirm() {
        BROWSER.driver()
                .findElement(By.cssSelector("dialog.confirm[open] button.primary"))
                .click();
    }

    private static void type(String manifest) {
        WebElement area = BROWSER.waitFor("#manifest");
        area.clear();
        area.sendKeys(manifest);
    }

    private static void applyConfirmed() {
        BROWSER.driver().findElement(By.id("apply")).click();
        BROWSER.waitForElement("dialog.confirm[open] #confirm-title", "the apply confirmation", t -> !t.isBlank());
        confirm();
    }

    /** POSTs an action from the page as the page does; answers "STATUS message". */
    private static String postAction(String name, String body) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) BROWSER.driver())
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch('/api/actions/' + arguments[0], {method: 'POST', credentials: 'same-origin',"
                                + " headers: {'Content-Type': 'application/json', 'X-Kubelite-Dashboard': '1'}, body: arguments[1]})"
                                + ".then(r => r.json().then(b => done(r.status + ' ' + b.message)), e => done('failed ' + e))",
                        name,
                        body);
    }
}
