package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.dashboard.testing.Browser;
import io.kubelite.dashboard.testing.DashboardCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The pod detail, Services and events pages in headless Chromium against a real cluster (etcd, the
 * API server, scheduler, kubelet-sim, and the Deployment, ReplicaSet and EndpointSlice
 * controllers), driven with the real kubectl: a pod's readiness going False → True with its
 * transition time, its containers and probes, its live log; deleting it from the page; a
 * Service's endpoints and DNS name following a scale-up; a new Warning event arriving live.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodServicesEventsBrowserTest {
    @RegisterExtension
    @Order(1)
    static final DashboardCluster CLUSTER =
            new DashboardCluster().controllers("deployment", "replicaset", "endpointslice");

    @RegisterExtension
    @Order(2)
    static final Browser BROWSER = new Browser();

    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    @Test
    @Order(1)
    void thePodPageShowsReadinessTurningTrueContainersProbesEventsAndTheLiveLog() {
        BROWSER.open(CLUSTER.loginLink());
        BROWSER.waitForElement("h1", "the overview after the login link", t -> t.equals("Cluster overview"));
        // ready only once its port is served, 15 s after start (the simulator's startup-time)
        CLUSTER.kubectl().run("""
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: probed
                          labels: {app: probed}
                          annotations: {sim.kubelite.io/startup-time: 15s}
                        spec:
                          containers:
                          - name: app
                            image: busybox
                            command: [sh, -c, 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done']
                            ports: [{containerPort: 8080}]
                            readinessProbe:
                              tcpSocket: {port: 8080}
                              periodSeconds: 1
                              failureThreshold: 3
                        """, Map.of(), "apply", "-f", "-").ok();
        BROWSER.open(CLUSTER.url() + "/#/pods?namespace=default");
        BROWSER.waitFor("tr[data-pod='default/probed'] a").click();
        BROWSER.waitForElement("h1", "the pod's page", t -> t.equals("Pod default/probed"));
        assertThat(BROWSER.url()).endsWith("#/pod?name=probed&namespace=default");

        String ready = "tr[data-condition=Ready]";
        BROWSER.waitForElement(
                ready + " [data-field=status]", "Ready False before the port is served", "False"::equals);
        assertThat(BROWSER.textOf(ready + " [data-field=reason]")).isEqualTo("ContainersNotReady");
        assertThat(BROWSER.textOf(ready + " [data-field=message]")).isEqualTo("containers with unready status: [app]");
        String notReadySince = attribute(ready + " [data-field=lastTransitionTime]", "data-time");

        String app = "article[data-container=app]";
        BROWSER.waitForElement(app + " [data-field=state]", "app running", t -> t.startsWith("Running since"));
        assertThat(BROWSER.textOf(app + " [data-field=image]")).isEqualTo("busybox");
        assertThat(BROWSER.textOf(app + " [data-probe=readiness] [data-field=check]"))
                .isEqualTo("tcpSocket port 8080");
        assertThat(BROWSER.textOf(app + " [data-probe=readiness] [data-field=period]"))
                .isEqualTo("1s");
        assertThat(BROWSER.textOf(app + " [data-probe=readiness] [data-field=thresholds]"))
                .isEqualTo("1 / 3");
        assertThat(BROWSER.textOf("[data-field=qos]")).isEqualTo("BestEffort");
        assertThat(BROWSER.textOf("[data-field=owner]")).isEqualTo("nothing (a bare pod)");

        // the log follows: a tick written after the page showed its first lines appears
        String firstLog = BROWSER.waitForElement(
                "#log-lines", "the log's first ticks", t -> TICK.matcher(t).find());
        int seen = lastTick(firstLog);
        BROWSER.waitForElement(
                "#log-lines", "a tick after " + seen + " (written after the page opened)", t -> lastTick(t) > seen + 1);

        BROWSER.waitForElement(ready + " [data-field=status]", "Ready True once the port is served", "True"::equals);
        String readySince = attribute(ready + " [data-field=lastTransitionTime]", "data-time");
        assertThat(readySince).as("Ready's lastTransitionTime moved").isNotEqualTo(notReadySince);
        BROWSER.waitForElement(app + " [data-field=ready]", "the container ready", t -> t.equals("yes"));

        BROWSER.waitForElement(
                "tr[data-reason=Started] [data-field=message]",
                "the kubelet's Started event",
                t -> t.equals("Started container app (spec.containers{app})"));
        // no metrics-server in this cluster
        BROWSER.waitForElement(
                "[data-field=metrics-problem]", "metrics unavailable", t -> t.startsWith("Metrics unavailable"));
    }

    @Test
    @Order(2)
    void deletingFromThePageAsksFirstThenThePodGoes() {
        BROWSER.open(CLUSTER.url() + "/#/pod?namespace=default&name=probed");
        BROWSER.waitForElement("tr[data-condition=Ready] [data-field=status]", "the pod's page", "True"::equals);
        // bad input is refused with a clear message and deletes nothing
        assertThat(post("/api/actions/delete-pod", "{\"namespace\":\"default\",\"name\":\"Probed_\"}"))
                .isEqualTo("400 \"Probed_\" is not a valid pod name");
        BROWSER.waitFor("button[data-action=delete-pod]").click();
        BROWSER.waitForElement(
                "dialog.confirm[open] h2", "the confirmation", t -> t.equals("Delete pod default/probed?"));
        assertThat(BROWSER.script("return document.activeElement.dataset.action"))
                .as("focus starts on Cancel")
                .isEqualTo("cancel");
        BROWSER.driver()
                .findElement(By.cssSelector("dialog.confirm button[data-action=confirm]"))
                .click();
        BROWSER.waitForElement(
                "[data-field=action-result]",
                "the delete's answer",
                t -> t.equals("pod default/probed deleted (it terminates gracefully)"));
        BROWSER.waitForElement(
                "[data-field=gone]", "the page saying the pod is gone", t -> t.startsWith("No pod default/probed"));
        Poll.until(
                Duration.ofSeconds(20),
                "kubectl agreeing the pod is gone",
                () -> CLUSTER.kubectl()
                        .run("get", "pod", "probed", "--ignore-not-found", "-o", "name")
                        .out(),
                String::isBlank);
    }

    @Test
    @Order(3)
    void theServicesPageShowsEndpointsAndDnsAndFollowsAScaleUp() {
        CLUSTER.kubectl()
                .run("create", "deployment", "web", "--image=nginx", "--replicas=1")
                .ok();
        CLUSTER.kubectl()
                .run("expose", "deployment", "web", "--port=80", "--name=web")
                .ok();
        BROWSER.open(CLUSTER.url() + "/#/services?namespace=default");
        String svc = "article[data-service='default/web']";
        BROWSER.waitForElement(
                svc + " [data-field=endpoint-count]", "one ready endpoint", t -> t.equals("1 endpoints (1 ready)"));
        assertThat(BROWSER.textOf(svc + " [data-field=dns]")).contains("web.default.svc.cluster.local");
        assertThat(BROWSER.textOf(svc + " [data-field=cluster-ip]")).matches("10\\.\\d+\\.\\d+\\.\\d+");
        assertThat(BROWSER.textOf(svc + " [data-field=selector]")).isEqualTo("app=web");
        assertThat(attribute(svc + " [data-field=pod] a", "href")).contains("#/pod?name=web-");

        CLUSTER.kubectl().run("scale", "deployment", "web", "--replicas=3").ok();
        BROWSER.waitForElement(
                svc + " [data-field=endpoint-count]",
                "three ready endpoints after the scale-up",
                t -> t.equals("3 endpoints (3 ready)"));
    }

    @Test
    @Order(4)
    void theEventsPageShowsANewWarningLive() {
        BROWSER.open(CLUSTER.url() + "/#/events?namespace=default");
        BROWSER.waitForElement(".view-status", "the events stream live", t -> t.equals("Live"));
        new org.openqa.selenium.support.ui.Select(BROWSER.driver().findElement(By.id("event-type")))
                .selectByValue("Warning");
        BROWSER.waitForAbsence("tr[data-type=Normal]", "only Warnings after filtering");

        CLUSTER.kubectl()
                .run(
                        "run",
                        "badimage",
                        "--image=nginx",
                        "--restart=Never",
                        "--annotations=sim.kubelite.io/image-pull-failures=always")
                .ok();
        String row = "tr[data-type=Warning][data-reason=Failed]";
        BROWSER.waitForElement(
                row + " [data-field=object]", "the failed pull's Warning, live", t -> t.equals("Pod/badimage"));
        BROWSER.waitForText("the failed pull's message", t -> t.contains("Failed to pull image \"nginx\""));
        BROWSER.driver()
                .findElement(By.cssSelector(row + " [data-field=object] a"))
                .click();
        BROWSER.waitForElement("h1", "the pod's page from the event's link", t -> t.equals("Pod default/badimage"));
        BROWSER.waitForElement(
                "article[data-container=badimage] [data-field=state]",
                "the container waiting on the image",
                t -> t.startsWith("Waiting: ErrImagePull") || t.startsWith("Waiting: ImagePullBackOff"));
    }

    /** POSTs from the page (its session cookie, the CSRF header) and returns "STATUS message". */
    private static String post(String path, String body) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) BROWSER.driver())
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json',"
                                + " 'X-Kubelite-Dashboard': '1'}, body: arguments[1]})"
                                + ".then(r => r.json().then(j => done(r.status + ' ' + j.message)))"
                                + ".catch(e => done('failed: ' + e))",
                        path,
                        body);
    }

    private static String attribute(String css, String name) {
        return BROWSER.waitFor(css).getAttribute(name);
    }

    private static int lastTick(String log) {
        Matcher m = TICK.matcher(log);
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }
}
