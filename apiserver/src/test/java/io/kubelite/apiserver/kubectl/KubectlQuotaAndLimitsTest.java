package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ResourceQuota;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LimitRanges and ResourceQuotas as the real kubectl sees them: describe output, LimitRanger's
 * defaults and refusals, quota refusals with kube's messages, a Deployment whose ReplicaSet
 * cannot create pods past a quota, the quota controller giving usage back, and concurrent creates
 * through two API servers never passing a quota. Real: kubectl, two API servers, etcd, and the
 * controller-manager's replicaset, deployment and resourcequota controllers (in this JVM).
 */
@Timeout(240)
class KubectlQuotaAndLimitsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(30);

    static Kubectl kubectl;
    static InProcessControllerManager controllerManager;

    @BeforeAll
    static void start() throws Exception {
        kubectl = CLUSTER.kubectl();
        controllerManager =
                InProcessControllerManager.start(CLUSTER, "cm-quota", "replicaset,deployment,job,resourcequota");
    }

    @AfterAll
    static void stop() {
        if (controllerManager != null) {
            controllerManager.close();
        }
    }

    static void apply(String yaml) {
        Kubectl.Result r = kubectl.run(yaml, Map.of(), "apply", "-f", "-");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    static Map<String, String> used(String ns, String name) {
        return CLUSTER.api()
                .store()
                .of(ResourceQuotaKind.RESOURCE)
                .get(ns, name)
                .join()
                .getStatus()
                .getUsedMap();
    }

    /** Waits until the quota controller has counted {@code ns/name} and its usage is {@code want}. */
    static void awaitUsed(String ns, String name, Map<String, String> want) {
        Poll.until(WAIT, "quota " + ns + "/" + name + " status.used " + want, () -> used(ns, name), want::equals);
    }

    /** Lines of kubectl's tabbed output with runs of blanks collapsed, for comparing columns. */
    static List<String> rows(String out) {
        return out.lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
    }

    @Test
    void describeShowsLimitRangeAndQuotaAsOnARealCluster() {
        kubectl.run("create", "namespace", "qdesc").ok();
        apply("""
                apiVersion: v1
                kind: LimitRange
                metadata: {name: lr, namespace: qdesc}
                spec:
                  limits:
                  - type: Container
                    max: {cpu: 500m}
                    default: {cpu: 300m, memory: 128Mi}
                    defaultRequest: {cpu: 200m}
                """);
        apply("""
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: q, namespace: qdesc}
                spec:
                  hard: {pods: "4", requests.cpu: "2", limits.memory: 1Gi}
                """);
        awaitUsed("qdesc", "q", Map.of("pods", "0", "requests.cpu", "0", "limits.memory", "0"));
        kubectl.run("run", "app", "--image=nginx", "-n", "qdesc").ok();
        awaitUsed("qdesc", "q", Map.of("pods", "1", "requests.cpu", "200m", "limits.memory", "128Mi"));

        JsonNode pod = CLUSTER.api().get("/api/v1/namespaces/qdesc/pods/app").json();
        assertThat(pod.at("/spec/containers/0/resources").toString())
                .isEqualTo("{\"limits\":{\"cpu\":\"300m\",\"memory\":\"128Mi\"},"
                        + "\"requests\":{\"cpu\":\"200m\",\"memory\":\"128Mi\"}}");
        assertThat(pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText())
                .isEqualTo("LimitRanger plugin set: cpu, memory request for container app;"
                        + " cpu, memory limit for container app");
        assertThat(pod.at("/status/qosClass").asText()).isEqualTo("Burstable");

        assertThat(rows(kubectl.run("describe", "quota", "q", "-n", "qdesc").ok()))
                .containsExactly(
                        "Name: q",
                        "Namespace: qdesc",
                        "Resource Used Hard",
                        "-------- ---- ----",
                        "limits.memory 128Mi 1Gi",
                        "pods 1 4",
                        "requests.cpu 200m 2");
        assertThat(rows(kubectl.run("get", "quota", "-n", "qdesc").ok()))
                .hasSize(2)
                .first()
                .isEqualTo("NAME AGE REQUEST LIMIT");
        assertThat(kubectl.run("get", "quota", "-n", "qdesc", "--no-headers").ok())
                .contains("pods: 1/4, requests.cpu: 200m/2")
                .contains("limits.memory: 128Mi/1Gi");

        List<String> lr =
                rows(kubectl.run("describe", "limitrange", "lr", "-n", "qdesc").ok());
        assertThat(lr.subList(0, 4))
                .containsExactly(
                        "Name: lr",
                        "Namespace: qdesc",
                        "Type Resource Min Max Default Request Default Limit Max Limit/Request Ratio",
                        "---- -------- --- --- --------------- ------------- -----------------------");
        // kubectl walks the item's maps in Go's random order, on a real cluster too
        assertThat(lr.subList(4, lr.size()))
                .containsExactlyInAnyOrder("Container cpu - 500m 200m 300m -", "Container memory - - 128Mi 128Mi -");
        assertThat(rows(kubectl.run("get", "limits", "-n", "qdesc").ok()).get(0))
                .isEqualTo("NAME CREATED AT");

        Kubectl.Result big = kubectl.run(
                "run",
                "big",
                "--image=nginx",
                "-n",
                "qdesc",
                "--overrides",
                "{\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"nginx\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}");
        assertThat(big.exitCode()).isNotZero();
        assertThat(big.err().trim())
                .isEqualTo("Error from server (Forbidden): pods \"big\" is forbidden:"
                        + " maximum cpu usage per Container is 500m, but limit is 1");
        assertThat(kubectl.run("get", "pod", "big", "-n", "qdesc").exitCode()).isNotZero();

        // the quota controller gives usage back when a pod goes
        kubectl.run("delete", "pod", "app", "-n", "qdesc", "--grace-period=0", "--force")
                .ok();
        awaitUsed("qdesc", "q", Map.of("pods", "0", "requests.cpu", "0", "limits.memory", "0"));
    }

    @Test
    void quotaRefusesPastItsLimitAndWithoutTrackedRequests() {
        kubectl.run("create", "namespace", "qcount").ok();
        kubectl.run("create", "quota", "q", "--hard=pods=2,configmaps=1,requests.cpu=1", "-n", "qcount")
                .ok();
        awaitUsed("qcount", "q", Map.of("pods", "0", "configmaps", "0", "requests.cpu", "0"));

        Kubectl.Result noRequest = kubectl.run("run", "app", "--image=nginx", "-n", "qcount");
        assertThat(noRequest.err().trim())
                .isEqualTo("Error from server (Forbidden): pods \"app\" is forbidden:"
                        + " failed quota: q: must specify requests.cpu for: app");

        for (String name : List.of("a", "b")) {
            kubectl.run(
                            "run",
                            name,
                            "--image=nginx",
                            "-n",
                            "qcount",
                            "--overrides",
                            "{\"spec\":{\"containers\":[{\"name\":\"" + name
                                    + "\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"300m\"}}}]}}")
                    .ok();
        }
        Kubectl.Result third = kubectl.run(
                "run",
                "c",
                "--image=nginx",
                "-n",
                "qcount",
                "--overrides",
                "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"300m\"}}}]}}");
        assertThat(third.err().trim())
                .isEqualTo("Error from server (Forbidden): pods \"c\" is forbidden:"
                        + " exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2");
        assertThat(used("qcount", "q")).isEqualTo(Map.of("pods", "2", "configmaps", "0", "requests.cpu", "600m"));

        kubectl.run("create", "configmap", "one", "-n", "qcount").ok();
        Kubectl.Result cm = kubectl.run("create", "configmap", "two", "-n", "qcount");
        assertThat(cm.err().trim())
                .isEqualTo("error: failed to create configmap: configmaps \"two\" is forbidden:"
                        + " exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1");
    }

    @Test
    void aDeploymentPastItsQuotaReportsFailedCreateWithoutHotLooping() {
        kubectl.run("create", "namespace", "qdeploy").ok();
        kubectl.run("create", "quota", "q", "--hard=pods=2", "-n", "qdeploy").ok();
        awaitUsed("qdeploy", "q", Map.of("pods", "0"));
        kubectl.run("create", "deployment", "web", "--image=nginx", "--replicas=3", "-n", "qdeploy")
                .ok();

        String condition = Poll.until(
                WAIT,
                "the ReplicaSet's ReplicaFailure condition",
                () -> kubectl.run(
                                "get",
                                "rs",
                                "-n",
                                "qdeploy",
                                "-o",
                                "jsonpath={.items[0].status.conditions[?(@.type==\"ReplicaFailure\")].message}")
                        .out(),
                m -> !m.isEmpty());
        assertThat(condition)
                .startsWith("pods \"web-")
                .endsWith("\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2");
        assertThat(kubectl.run(
                                "get",
                                "deployment",
                                "web",
                                "-n",
                                "qdeploy",
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"ReplicaFailure\")].reason}")
                        .ok())
                .isEqualTo("FailedCreate");
        String events = kubectl.run("get", "events", "-n", "qdeploy", "--field-selector", "reason=FailedCreate")
                .ok();
        assertThat(events).contains("Error creating: pods \"web-").contains("exceeded quota: q");

        // retries back off: a few more refusals in three seconds, not a refusal per millisecond
        long before = failedCreates();
        Poll.holds(Duration.ofSeconds(3), "2 pods and usage 2", () -> {
            assertThat(used("qdeploy", "q")).isEqualTo(Map.of("pods", "2"));
            assertThat(kubectl.run("get", "pods", "-n", "qdeploy", "--no-headers")
                            .ok()
                            .lines())
                    .hasSize(2);
        });
        assertThat(failedCreates() - before).as("FailedCreate events in 3 s").isLessThan(15);
    }

    @Test
    void aJobPastItsQuotaShowsFailedCreateInDescribe() {
        kubectl.run("create", "namespace", "qjob").ok();
        kubectl.run("create", "quota", "q", "--hard=pods=2", "-n", "qjob").ok();
        awaitUsed("qjob", "q", Map.of("pods", "0"));
        apply("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: work, namespace: qjob}
                spec:
                  parallelism: 3
                  completions: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: work, image: busybox}]
                """);

        // the job controller's pod control: "Error creating: <err>", the pod named by its generateName
        String message = "Error creating: pods \"work-\" is forbidden: exceeded quota: q, requested: pods=1,"
                + " used: pods=2, limited: pods=2";
        String describe = Poll.until(
                WAIT,
                "kubectl describe job: 2 Active pods and a FailedCreate event saying: " + message,
                () -> kubectl.run("describe", "job", "work", "-n", "qjob").ok(),
                out -> out.lines().anyMatch(l -> l.matches("Pods Statuses:\\s+2 Active .*"))
                        && out.lines()
                                .anyMatch(l ->
                                        l.contains("Warning") && l.contains("FailedCreate") && l.endsWith(message)));
        assertThat(used("qjob", "q")).isEqualTo(Map.of("pods", "2"));
    }

    static long failedCreates() {
        JsonNode list = CLUSTER.api().get("/api/v1/namespaces/qdeploy/events").json();
        long n = 0;
        for (JsonNode e : list.path("items")) {
            if (e.path("reason").asText().equals("FailedCreate")) {
                n += Math.max(1, e.path("count").asLong());
            }
        }
        return n;
    }

    @Test
    void concurrentCreatesThroughTwoApiServersNeverPassTheQuota() throws Exception {
        kubectl.run("create", "namespace", "qrace").ok();
        kubectl.run("create", "quota", "q", "--hard=pods=3", "-n", "qrace").ok();
        awaitUsed("qrace", "q", Map.of("pods", "0"));
        try (TestApiServer second = TestApiServer.start(CLUSTER.store().etcd(), ApiServerConfig.local())) {
            List<TestApiServer> servers = List.of(CLUSTER.api(), second);
            ExecutorService pool = Executors.newFixedThreadPool(12);
            try {
                List<Future<TestApiServer.Resp>> calls = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    TestApiServer api = servers.get(i % 2);
                    String body = TestApiServer.pod("p" + i, "");
                    calls.add(pool.submit(() -> api.post("/api/v1/namespaces/qrace/pods", body)));
                }
                List<Integer> codes = new ArrayList<>();
                for (Future<TestApiServer.Resp> f : calls) {
                    TestApiServer.Resp r = f.get(60, TimeUnit.SECONDS);
                    codes.add(r.code());
                    if (r.code() != 201) {
                        assertThat(r.json().path("message").asText())
                                .as("refusal %s", r.body())
                                .contains("exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3");
                    }
                }
                assertThat(codes).as("answers").filteredOn(c -> c == 201).hasSize(3);
                assertThat(codes).as("answers").filteredOn(c -> c == 403).hasSize(9);
            } finally {
                pool.shutdownNow();
            }
        }
        JsonNode pods = CLUSTER.api().get("/api/v1/namespaces/qrace/pods").json();
        assertThat(pods.path("items").size()).isEqualTo(3);
        assertThat(used("qrace", "q")).isEqualTo(Map.of("pods", "3"));
        ResourceQuota q = CLUSTER.api()
                .store()
                .of(ResourceQuotaKind.RESOURCE)
                .get("qrace", "q")
                .join();
        assertThat(q.getStatus().getHardMap()).isEqualTo(Map.of("pods", "3"));
    }
}
