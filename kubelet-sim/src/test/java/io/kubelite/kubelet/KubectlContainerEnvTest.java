package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers' environments as the kubelet makes them (env valueFrom, envFrom, $(VAR) expansion,
 * Service variables, CreateContainerConfigError and its recovery), seen through the real kubectl
 * against an in-process API server and kubelet-sim on a real etcd.
 */
class KubectlContainerEnvTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.203.0.0/16"));
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm1}
                data: {a: "x", b: "y", 1abc: "skipped"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: s1}
                stringData: {password: "hunter2"}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: my-svc}
                spec:
                  clusterIP: 10.96.0.50
                  ports: [{name: http, port: 80, targetPort: 8080}, {name: dns, port: 53, protocol: UDP}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: headless}
                spec: {clusterIP: None, ports: [{port: 81}]}
                """);
        // the Service is in the kubelet's cache before the pods start (their env is made once)
        Poll.until(
                WAIT,
                "service cached",
                () -> kubectl.run("get", "svc", "my-svc").exitCode() == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static void apply(String yaml) {
        kubectl.run(yaml, Map.of(), "apply", "-f", "-").ok();
    }

    static String pod(String name, String extraSpec, String env) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: web}, annotations: {team: blue}}
                spec:
                  nodeName: sim-node-0
                %s
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "echo $(FROM_CM) started; sleep infinity"]
                    resources: {limits: {cpu: 500m, memory: 129M}, requests: {cpu: 250m, memory: 64Mi}}
                %s
                """.formatted(
                        name, extraSpec.indent(2).stripTrailing(), env.indent(4).stripTrailing());
    }

    static List<String> env(String pod) {
        return Arrays.asList(kubectl.run("exec", pod, "--", "env").ok().split("\n"));
    }

    @Test
    void valueFromEnvFromExpansionAndServiceVariables() {
        apply(pod("envpod", "", """
                envFrom:
                - configMapRef: {name: cm1}
                - secretRef: {name: s1}
                  prefix: S_
                - configMapRef: {name: absent, optional: true}
                env:
                - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: cm1, key: a}}}
                - {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: s1, key: password}}}
                - {name: OPTIONAL_KEY, valueFrom: {configMapKeyRef: {name: cm1, key: nope, optional: true}}}
                - {name: OPTIONAL_CM, valueFrom: {secretKeyRef: {name: nosuch, key: k, optional: true}}}
                - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: POD_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                - {name: POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
                - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
                - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['team']"}}}
                - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                - {name: SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
                - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
                - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                - {name: POD_IPS, valueFrom: {fieldRef: {fieldPath: status.podIPs}}}
                - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
                - {name: CPU_REQ_M, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
                - {name: MEM_LIMIT_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                - {name: MEM_REQ, valueFrom: {resourceFieldRef: {resource: requests.memory}}}
                - {name: EPH_LIMIT_GI, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage, divisor: 1Gi}}}
                - {name: COMPOSED, value: "$(POD_NAME)-$(FROM_CM)-$$(POD_NAME)-$(LATER)-$(UNDEFINED)-$(MY_SVC_SERVICE_HOST)"}
                - {name: LATER, value: "later"}
                - {name: a, value: "env wins over envFrom"}
                """));
        sim.awaitPhase("envpod", "Running", WAIT);
        Pod p = sim.get("envpod");
        List<String> env = env("envpod");
        assertThat(env)
                .contains(
                        "FROM_CM=x",
                        "FROM_SECRET=hunter2",
                        "a=env wins over envFrom",
                        "b=y",
                        "S_password=hunter2",
                        "POD_NAME=envpod",
                        "POD_NS=default",
                        "POD_UID=" + p.getMetadata().getUid(),
                        "APP=web",
                        "TEAM=blue",
                        "NODE=sim-node-0",
                        "SA=" + p.getSpec().getServiceAccountName(),
                        "HOST_IP=127.0.0.1",
                        "POD_IP=" + p.getStatus().getPodIp(),
                        "POD_IPS=" + p.getStatus().getPodIp(),
                        "CPU_LIMIT=1",
                        "CPU_REQ_M=250",
                        "MEM_LIMIT_MI=124",
                        "MEM_REQ=67108864",
                        "EPH_LIMIT_GI=100",
                        "COMPOSED=envpod-x-$(POD_NAME)-$(LATER)-$(UNDEFINED)-10.96.0.50",
                        "MY_SVC_SERVICE_HOST=10.96.0.50",
                        "MY_SVC_SERVICE_PORT=80",
                        "MY_SVC_SERVICE_PORT_HTTP=80",
                        "MY_SVC_SERVICE_PORT_DNS=53",
                        "MY_SVC_PORT=tcp://10.96.0.50:80",
                        "MY_SVC_PORT_80_TCP=tcp://10.96.0.50:80",
                        "MY_SVC_PORT_80_TCP_PROTO=tcp",
                        "MY_SVC_PORT_80_TCP_PORT=80",
                        "MY_SVC_PORT_80_TCP_ADDR=10.96.0.50",
                        "MY_SVC_PORT_53_UDP=udp://10.96.0.50:53",
                        "MY_SVC_PORT_53_UDP_PROTO=udp")
                .noneMatch(l -> l.startsWith("OPTIONAL_"))
                .noneMatch(l -> l.startsWith("1abc="))
                .noneMatch(l -> l.startsWith("HEADLESS_"));
        assertThat(kubectl.run("logs", "envpod").ok()).as("command expanded").startsWith("x started\n");
        String events = kubectl.run(
                        "get", "events", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}")
                .ok();
        assertThat(events)
                .contains("InvalidEnvironmentVariableNames: Keys [1abc] from the EnvFrom configMap default/cm1 were"
                        + " skipped since they are considered invalid environment variable names.");
    }

    @Test
    void serviceLinksCanBeTurnedOff() {
        apply(pod("nolinks", "enableServiceLinks: false", """
                env:
                - {name: FROM_CM, value: plain}
                """));
        sim.awaitPhase("nolinks", "Running", WAIT);
        assertThat(env("nolinks")).contains("FROM_CM=plain").noneMatch(l -> l.startsWith("MY_SVC_"));
    }

    @Test
    void missingConfigWaitsInCreateContainerConfigErrorAndRecovers() {
        apply(pod("nocm", "", """
                env:
                - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: later, key: k}}}
                """));
        apply(pod("nokey", "", """
                env:
                - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: cm1, key: nokey}}}
                """));
        apply(pod("nosecret", "", """
                envFrom:
                - secretRef: {name: nosuch}
                env:
                - {name: FROM_CM, value: v}
                """));
        apply(pod("nosecretkey", "", """
                env:
                - {name: FROM_CM, valueFrom: {secretKeyRef: {name: s1, key: user}}}
                """));
        awaitConfigError("nocm", "configmap \"later\" not found");
        awaitConfigError("nokey", "couldn't find key nokey in ConfigMap default/cm1");
        awaitConfigError("nosecret", "secret \"nosuch\" not found");
        awaitConfigError("nosecretkey", "couldn't find key user in Secret default/s1");
        assertThat(kubectl.run("get", "pod", "nocm").ok()).contains("CreateContainerConfigError");
        assertThat(kubectl.run("describe", "pod", "nocm").ok()).contains("Error: configmap \"later\" not found");

        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: later}
                data: {k: "arrived"}
                """);
        sim.awaitPhase("nocm", "Running", WAIT);
        assertThat(env("nocm")).contains("FROM_CM=arrived");
        assertThat(SimHarness.status(sim.get("nocm"), "app").getRestartCount()).isZero();
    }

    private static void awaitConfigError(String pod, String message) {
        sim.await(pod, WAIT, "CreateContainerConfigError: " + message, p -> {
            ContainerStatus s = SimHarness.status(p, "app");
            return s != null
                    && s.getState().hasWaiting()
                    && s.getState().getWaiting().getReason().equals("CreateContainerConfigError")
                    && s.getState().getWaiting().getMessage().equals(message)
                    && p.getStatus().getPhase().equals("Pending");
        });
    }
}
