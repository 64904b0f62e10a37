package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * securityContext effects (who the processes run as, a read-only root filesystem, runAsNonRoot
 * refused), seen through the real kubectl against an in-process API server and kubelet-sim on a
 * real etcd.
 */
class KubectlSecurityContextTest {
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
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.204.0.0/16"));
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

    @Test
    void processesRunAsTheEffectiveUserAndGroups() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: ids}
                spec:
                  nodeName: sim-node-0
                  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]}
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "id > /tmp/id-at-start; sleep infinity"]
                  - name: own
                    image: busybox
                    command: ["sleep", "infinity"]
                    securityContext: {runAsUser: 2000, runAsGroup: 5000}
                  - name: root
                    image: busybox
                    command: ["sleep", "infinity"]
                    securityContext: {runAsUser: 0}
                """);
        sim.awaitPhase("ids", "Running", WAIT);
        assertThat(kubectl.run("exec", "ids", "-c", "app", "--", "id").ok())
                .isEqualTo("uid=1000 gid=3000 groups=2000,3000,4000\n");
        assertThat(kubectl.run("exec", "ids", "-c", "app", "--", "cat", "/tmp/id-at-start")
                        .ok())
                .as("the container's own program runs as the same user")
                .isEqualTo("uid=1000 gid=3000 groups=2000,3000,4000\n");
        assertThat(kubectl.run("exec", "ids", "-c", "app", "--", "sh", "-c", "id -u; id -g; id -G")
                        .ok())
                .isEqualTo("1000\n3000\n2000 3000 4000\n");
        assertThat(kubectl.run("exec", "ids", "-c", "own", "--", "id").ok())
                .as("the container's fields win; fsGroup and supplementalGroups stay the pod's")
                .isEqualTo("uid=2000 gid=5000 groups=2000,4000,5000\n");
        assertThat(kubectl.run("exec", "ids", "-c", "root", "--", "id").ok())
                .isEqualTo("uid=0(root) gid=3000 groups=10(wheel),2000,3000,4000\n");
        assertThat(kubectl.run("exec", "ids", "-c", "root", "--", "whoami").ok())
                .isEqualTo("root\n");
        Kubectl.Result whoami = kubectl.run("exec", "ids", "-c", "app", "--", "whoami");
        assertThat(whoami.exitCode()).as(whoami.toString()).isEqualTo(1);
        assertThat(whoami.err()).contains("whoami: unknown uid 1000");
    }

    @Test
    void readOnlyRootFilesystemRefusesWritesOutsideWritableVolumes() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: readonly}
                spec:
                  nodeName: sim-node-0
                  volumes: [{name: scratch, emptyDir: {}}]
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "echo started > /scratch/log; echo x > /tmp/nope || echo refused; sleep infinity"]
                    securityContext: {readOnlyRootFilesystem: true}
                    volumeMounts: [{name: scratch, mountPath: /scratch}]
                """);
        sim.awaitPhase("readonly", "Running", WAIT);
        Kubectl.Result root = kubectl.run("exec", "readonly", "--", "sh", "-c", "echo x > /foo");
        assertThat(root.exitCode()).as(root.toString()).isEqualTo(1);
        assertThat(root.err()).contains("sh: can't create /foo: Read-only file system");
        Kubectl.Result touch = kubectl.run("exec", "readonly", "--", "touch", "/tmp/x");
        assertThat(touch.exitCode()).as(touch.toString()).isEqualTo(1);
        assertThat(touch.err()).contains("touch: /tmp/x: Read-only file system");

        assertThat(kubectl.run(
                                "exec",
                                "readonly",
                                "--",
                                "sh",
                                "-c",
                                "echo y > /scratch/f && cat /scratch/f /scratch/log")
                        .ok())
                .isEqualTo("y\nstarted\n");
        assertThat(kubectl.run("logs", "readonly").ok())
                .as("the program's own write failed too")
                .contains("sh: can't create /tmp/nope: Read-only file system", "refused");
    }

    @Test
    void runAsNonRootWithARootUserIsACreateContainerConfigError() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nonroot}
                spec:
                  nodeName: sim-node-0
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - {name: app, image: busybox, command: ["sleep", "infinity"]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: rootuser}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sleep", "infinity"]
                    securityContext: {runAsNonRoot: true, runAsUser: 0}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: nonrootok}
                spec:
                  nodeName: sim-node-0
                  securityContext: {runAsNonRoot: true, runAsUser: 1000}
                  containers:
                  - {name: app, image: busybox, command: ["sleep", "infinity"]}
                """);
        Pod p = awaitConfigError("nonroot");
        assertThat(SimHarness.status(p, "app").getState().getWaiting().getMessage())
                .isEqualTo("container has runAsNonRoot and image will run as root (pod: \"nonroot_default("
                        + p.getMetadata().getUid() + ")\", container: app)");
        Pod r = awaitConfigError("rootuser");
        assertThat(SimHarness.status(r, "app").getState().getWaiting().getMessage())
                .isEqualTo("container's runAsUser breaks non-root policy (pod: \"rootuser_default("
                        + r.getMetadata().getUid() + ")\", container: app)");
        assertThat(kubectl.run("get", "pod", "nonroot").ok()).contains("CreateContainerConfigError");
        assertThat(kubectl.run("describe", "pod", "nonroot").ok())
                .contains("Error: container has runAsNonRoot and image will run as root");
        sim.awaitPhase("nonrootok", "Running", WAIT);
    }

    private static Pod awaitConfigError(String pod) {
        return sim.await(pod, WAIT, "CreateContainerConfigError", p -> {
            ContainerStatus s = SimHarness.status(p, "app");
            return s != null
                    && s.getState().hasWaiting()
                    && s.getState().getWaiting().getReason().equals("CreateContainerConfigError")
                    && p.getStatus().getPhase().equals("Pending");
        });
    }
}
