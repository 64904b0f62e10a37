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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes in the simulated filesystem (emptyDir, configMap, secret, downwardAPI, projected,
 * hostPath, the service account's automount; subPath, readOnly; updates; FailedMount), seen
 * through the real kubectl exec against an in-process API server and kubelet-sim on a real etcd.
 */
class KubectlVolumesTest {
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
        // with the ServiceAccount admission, which mounts the token volume the node serves
        api = TestApiServer.start(
                ETCD.connect(prefix), ApiServerConfig.local(), s -> s.withDisabledAdmissionPlugins(Set.of()));
        kubectl = Kubectl.find(dir, api.url(), null, null);
        // time scale 10: the 10 s sync period is 1 s of wall-clock time
        sim = new SimHarness(
                ETCD,
                prefix,
                new KubeletSimOptions()
                        .nodes(1)
                        .timeScale(10)
                        .configSyncPeriod(Duration.ofSeconds(10))
                        .podCidrFallback("10.204.0.0/16"));
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg}
                data: {key: "v1", other: "o1"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: sec}
                stringData: {password: "hunter2"}
                ---
                # what the controller-manager's root-ca-cert-publisher keeps in every namespace; no
                # controller-manager runs here
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kube-root-ca.crt}
                data: {ca.crt: "test root CA"}
                ---
                # the serviceaccount controller's, likewise
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default}
                """);
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: vol, labels: {app: web}}
                spec:
                  nodeName: sim-node-0
                  volumes:
                  - {name: cache, emptyDir: {}}
                  - {name: cfg, configMap: {name: cfg, defaultMode: 0444}}
                  - name: cfg-items
                    configMap: {name: cfg, items: [{key: key, path: sub/dir/renamed, mode: 0400}]}
                  - {name: sec, secret: {secretName: sec}}
                  - {name: opt, configMap: {name: absent, optional: true}}
                  - name: down
                    downwardAPI:
                      items:
                      - {path: name, fieldRef: {fieldPath: metadata.name}}
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: cpu, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
                  - name: proj
                    projected:
                      sources:
                      - configMap: {name: cfg, items: [{key: key, path: proj-key}]}
                      - secret: {name: sec}
                      - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
                      - serviceAccountToken: {path: tok, audience: vault}
                  - {name: host, hostPath: {path: /srv/data, type: DirectoryOrCreate}}
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "echo hello > /cache/f; sleep infinity"]
                    resources: {limits: {cpu: 500m}}
                    volumeMounts:
                    - {name: cache, mountPath: /cache}
                    - {name: cfg, mountPath: /etc/config}
                    - {name: cfg-items, mountPath: /etc/items}
                    - {name: cfg, mountPath: /etc/sub/key.txt, subPath: key}
                    - {name: sec, mountPath: /etc/secret}
                    - {name: opt, mountPath: /etc/opt}
                    - {name: down, mountPath: /etc/podinfo}
                    - {name: proj, mountPath: /etc/proj}
                    - {name: host, mountPath: /host}
                  - name: side
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts:
                    - {name: cache, mountPath: /shared, readOnly: true}
                    - {name: cache, mountPath: /scratch/sub, subPath: nested/dir}
                    - {name: cache, mountPath: /scratch/mine, subPathExpr: "per-pod/$(POD_NAME)"}
                    - {name: host, mountPath: /host}
                    env:
                    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                """);
        sim.awaitPhase("vol", "Running", WAIT);
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

    static String cat(String pod, String container, String path) {
        return kubectl.run("exec", pod, "-c", container, "--", "cat", path).ok();
    }

    @Test
    void configMapSecretDownwardApiAndProjectedFiles() {
        assertThat(cat("vol", "app", "/etc/config/key")).isEqualTo("v1");
        assertThat(cat("vol", "app", "/etc/config/other")).isEqualTo("o1");
        assertThat(cat("vol", "app", "/etc/items/sub/dir/renamed")).isEqualTo("v1");
        assertThat(kubectl.run("exec", "vol", "-c", "app", "--", "ls", "/etc/items")
                        .ok())
                .isEqualTo("sub\n");
        assertThat(cat("vol", "app", "/etc/sub/key.txt")).isEqualTo("v1");
        assertThat(cat("vol", "app", "/etc/secret/password")).isEqualTo("hunter2");
        assertThat(kubectl.run("exec", "vol", "-c", "app", "--", "ls", "/etc/opt")
                        .ok())
                .as("an optional volume whose ConfigMap is missing is empty")
                .isEmpty();
        assertThat(cat("vol", "app", "/etc/podinfo/name")).isEqualTo("vol");
        assertThat(cat("vol", "app", "/etc/podinfo/labels")).isEqualTo("app=\"web\"");
        assertThat(cat("vol", "app", "/etc/podinfo/cpu")).isEqualTo("500");
        assertThat(cat("vol", "app", "/etc/proj/proj-key")).isEqualTo("v1");
        assertThat(cat("vol", "app", "/etc/proj/password")).isEqualTo("hunter2");
        assertThat(cat("vol", "app", "/etc/proj/namespace")).isEqualTo("default");
        assertThat(cat("vol", "app", "/etc/proj/tok")).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void theServiceAccountIsMountedAsKubesAdmissionWouldMountIt() {
        String sa = "/var/run/secrets/kubernetes.io/serviceaccount/";
        assertThat(cat("vol", "side", sa + "namespace")).isEqualTo("default");
        assertThat(cat("vol", "side", sa + "token")).contains(".");
        assertThat(kubectl.run("exec", "vol", "-c", "side", "--", "ls", sa).ok())
                .as("ca.crt from the kube-root-ca.crt ConfigMap")
                .isEqualTo("ca.crt\nnamespace\ntoken\n");
        assertThat(cat("vol", "side", sa + "ca.crt")).isEqualTo("test root CA");
        assertThat(kubectl.run("exec", "vol", "-c", "side", "--", "ls", "/var/run/secrets")
                        .ok())
                .isEqualTo("kubernetes.io\n");
        assertThat(kubectl.run("exec", "vol", "-c", "app", "--", "ls", "/etc/sub")
                        .ok())
                .as("a file mounted by subPath")
                .isEqualTo("key.txt\n");
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nosa}
                spec:
                  nodeName: sim-node-0
                  automountServiceAccountToken: false
                  containers:
                  - {name: app, image: busybox, command: ["sh", "-c", "sleep infinity"]}
                """);
        sim.awaitPhase("nosa", "Running", WAIT);
        Kubectl.Result r = kubectl.run("exec", "nosa", "--", "cat", sa + "token");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);

        // the ServiceAccount's own setting counts when the pod says nothing, and the pod's wins
        apply("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: quiet}
                automountServiceAccountToken: false
                """);
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: quiet-sa}
                spec:
                  nodeName: sim-node-0
                  serviceAccountName: quiet
                  containers:
                  - {name: app, image: busybox, command: ["sh", "-c", "sleep infinity"]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: quiet-sa-override}
                spec:
                  nodeName: sim-node-0
                  serviceAccountName: quiet
                  automountServiceAccountToken: true
                  containers:
                  - {name: app, image: busybox, command: ["sh", "-c", "sleep infinity"]}
                """);
        sim.awaitPhase("quiet-sa", "Running", WAIT);
        sim.awaitPhase("quiet-sa-override", "Running", WAIT);
        Kubectl.Result quiet = kubectl.run("exec", "quiet-sa", "--", "ls", sa);
        assertThat(quiet.exitCode())
                .as("ServiceAccount quiet has automountServiceAccountToken: false; ls printed %s", quiet.out())
                .isEqualTo(1);
        assertThat(kubectl.run("exec", "quiet-sa-override", "--", "ls", sa).ok())
                .isEqualTo("ca.crt\nnamespace\ntoken\n");
    }

    @Test
    void emptyDirIsSharedAndReadOnlyMountsRefuseWrites() {
        assertThat(cat("vol", "side", "/shared/f")).isEqualTo("hello\n");
        Kubectl.Result w = kubectl.run("exec", "vol", "-c", "side", "--", "sh", "-c", "echo x > /shared/g");
        assertThat(w.exitCode()).isEqualTo(1);
        assertThat(w.err())
                .isEqualTo("sh: can't create /shared/g: Read-only file system\n"
                        + "command terminated with exit code 1\n");
        Kubectl.Result cm = kubectl.run("exec", "vol", "-c", "app", "--", "sh", "-c", "echo x > /etc/config/key");
        assertThat(cm.err()).startsWith("sh: can't create /etc/config/key: Read-only file system\n");
        Kubectl.Result rm = kubectl.run("exec", "vol", "-c", "app", "--", "rm", "/etc/secret/password");
        assertThat(rm.err()).startsWith("rm: can't remove '/etc/secret/password': Read-only file system\n");

        kubectl.run("exec", "vol", "-c", "side", "--", "sh", "-c", "echo deep > /scratch/sub/d")
                .ok();
        // once seen in CI: the file there but still empty right after the exec returned
        Poll.until(
                WAIT,
                "the subPath write seen through the emptyDir's own mount",
                () -> cat("vol", "app", "/cache/nested/dir/d"),
                "deep\n"::equals);
    }

    @Test
    void hostPathIsTheNodesAndOutlivesThePod() {
        kubectl.run("exec", "vol", "-c", "app", "--", "sh", "-c", "echo from-vol > /host/a")
                .ok();
        assertThat(cat("vol", "side", "/host/a")).isEqualTo("from-vol\n");
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hostreader}
                spec:
                  nodeName: sim-node-0
                  volumes: [{name: srv, hostPath: {path: /srv}}]
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: srv, mountPath: /mnt/srv}]
                """);
        sim.awaitPhase("hostreader", "Running", WAIT);
        assertThat(cat("hostreader", "app", "/mnt/srv/data/a")).isEqualTo("from-vol\n");
    }

    @Test
    void emptyDirSurvivesContainerRestarts() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: crash}
                spec:
                  nodeName: sim-node-0
                  volumes: [{name: cache, emptyDir: {medium: Memory}}]
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "echo run >> /cache/runs; exit 1"]
                    volumeMounts: [{name: cache, mountPath: /cache}]
                  - name: side
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: cache, mountPath: /cache}]
                """);
        sim.await("crash", WAIT, "app restarted", p -> {
            ContainerStatus s = SimHarness.status(p, "app");
            return s != null
                    && s.getRestartCount() >= 1
                    && SimHarness.status(p, "side").hasState()
                    && SimHarness.status(p, "side").getState().hasRunning();
        });
        Poll.until(
                WAIT,
                "two runs in the emptyDir",
                () -> cat("crash", "side", "/cache/runs").startsWith("run\nrun\n"));
    }

    @Test
    void configMapUpdatesReachMountedFilesButNotSubPaths() {
        // its own ConfigMap and pod: the other tests read cfg as it was created
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: live}
                data: {key: "v1", other: "o1"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: live}
                spec:
                  nodeName: sim-node-0
                  volumes:
                  - {name: live, configMap: {name: live}}
                  - name: proj
                    projected: {sources: [{configMap: {name: live, items: [{key: key, path: proj-key}]}}]}
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts:
                    - {name: live, mountPath: /etc/live}
                    - {name: live, mountPath: /etc/sub/key.txt, subPath: key}
                    - {name: proj, mountPath: /etc/proj}
                """);
        sim.awaitPhase("live", "Running", WAIT);
        assertThat(cat("live", "app", "/etc/live/key")).isEqualTo("v1");
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: live}
                data: {key: "v2"}
                """);
        String[] seen = new String[1];
        try {
            Poll.until(WAIT, "/etc/live/key updated to v2", () -> {
                seen[0] = cat("live", "app", "/etc/live/key");
                return seen[0].equals("v2");
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + seen[0], e);
        }
        Kubectl.Result gone = kubectl.run("exec", "live", "--", "cat", "/etc/live/other");
        assertThat(gone.exitCode())
                .as("a key removed from the ConfigMap leaves the volume")
                .isEqualTo(1);
        assertThat(cat("live", "app", "/etc/proj/proj-key")).isEqualTo("v2");
        assertThat(cat("live", "app", "/etc/sub/key.txt"))
                .as("subPath mounts get no updates")
                .isEqualTo("v1");
    }

    @Test
    void aMissingConfigMapKeepsThePodContainerCreatingWithFailedMount() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nomount}
                spec:
                  nodeName: sim-node-0
                  volumes: [{name: cfg, configMap: {name: later}}]
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: cfg, mountPath: /etc/later}]
                """);
        String message = "MountVolume.SetUp failed for volume \"cfg\" : configmap \"later\" not found";
        Poll.until(
                WAIT,
                "FailedMount event: " + message,
                () -> kubectl.run(
                                "get", "events", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}")
                        .ok()
                        .contains("FailedMount: " + message));
        assertThat(kubectl.run("get", "pod", "nomount").ok()).contains("ContainerCreating");
        assertThat(sim.get("nomount").getStatus().getPhase()).isEqualTo("Pending");
        apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: later}
                data: {k: "arrived"}
                """);
        sim.awaitPhase("nomount", "Running", WAIT);
        assertThat(cat("nomount", "app", "/etc/later/k")).isEqualTo("arrived");
    }

    @Test
    void localStorageLimitsEvictAndAMemoryEmptyDirFillsUp() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: disk-limit}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: cache, mountPath: /cache}]
                  volumes:
                  - {name: cache, emptyDir: {sizeLimit: 1Ki}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: tmpfs-limit}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    volumeMounts: [{name: shm, mountPath: /shm}]
                  volumes:
                  - {name: shm, emptyDir: {medium: Memory, sizeLimit: 1Ki}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: tmpfs-memory}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    resources: {limits: {memory: 1Ki}}
                    volumeMounts: [{name: shm, mountPath: /shm}]
                  volumes:
                  - {name: shm, emptyDir: {medium: Memory}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: layer-limit}
                spec:
                  nodeName: sim-node-0
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    resources: {limits: {ephemeral-storage: 1Ki}}
                  - name: side
                    image: busybox
                    command: ["sh", "-c", "sleep infinity"]
                    resources: {limits: {ephemeral-storage: 10Ki}}
                """);
        for (String p : List.of("disk-limit", "tmpfs-limit", "tmpfs-memory", "layer-limit")) {
            sim.awaitPhase(p, "Running", WAIT);
        }
        String big = "x".repeat(2000);
        kubectl.run("exec", "disk-limit", "--", "sh", "-c", "echo " + big + " > /cache/big")
                .ok();
        kubectl.run("exec", "layer-limit", "-c", "app", "--", "sh", "-c", "echo " + big + " > /tmp/big")
                .ok();
        Kubectl.Result full = kubectl.run("exec", "tmpfs-limit", "--", "sh", "-c", "echo " + big + " > /shm/big");
        assertThat(full.err()).as("a write past a 1Ki tmpfs").contains("sh: write error: No space left on device");
        assertThat(kubectl.run("exec", "tmpfs-limit", "--", "ls", "/shm").ok())
                .as("the file is created, its content refused")
                .isEqualTo("big\n");
        assertThat(kubectl.run("exec", "tmpfs-limit", "--", "cat", "/shm/big").ok())
                .isEmpty();
        Kubectl.Result memory = kubectl.run("exec", "tmpfs-memory", "--", "sh", "-c", "echo " + big + " > /shm/big");
        assertThat(memory.err())
                .as("a memory emptyDir without sizeLimit is sized by the pod's 1Ki memory limit")
                .contains("sh: write error: No space left on device");

        Pod disk = sim.awaitPhase("disk-limit", "Failed", WAIT);
        assertThat(disk.getStatus().getReason()).isEqualTo("Evicted");
        assertThat(disk.getStatus().getMessage())
                .isEqualTo("Usage of EmptyDir volume \"cache\" exceeds the limit \"1Ki\". ");
        Pod layer = sim.awaitPhase("layer-limit", "Failed", WAIT);
        assertThat(layer.getStatus().getMessage())
                .isEqualTo("Container app exceeded its local ephemeral storage limit \"1Ki\". ");
        assertThat(kubectl.run("get", "pod", "disk-limit", "-o", "jsonpath={.status.phase} {.status.reason}")
                        .ok())
                .isEqualTo("Failed Evicted");
        assertThat(kubectl.run(
                                "get",
                                "events",
                                "--field-selector",
                                "involvedObject.name=disk-limit,reason=Evicted",
                                "-o",
                                "jsonpath={.items[*].message}")
                        .ok())
                .isEqualTo("Usage of EmptyDir volume \"cache\" exceeds the limit \"1Ki\". ");
        assertThat(sim.get("tmpfs-limit").getStatus().getPhase())
                .as("a full tmpfs refuses writes; it evicts nobody")
                .isEqualTo("Running");
    }
}
