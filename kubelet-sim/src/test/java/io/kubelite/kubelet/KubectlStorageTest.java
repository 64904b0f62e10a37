package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.scheduler.Scheduler;
import io.kubelite.scheduler.SchedulerConfig;
import io.kubelite.store.Fence;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Storage end to end through the real kubectl: the default StorageClass, a StatefulSet whose
 * volumeClaimTemplate is provisioned on the node the scheduler picks (WaitForFirstConsumer) and
 * whose data survives the pod's replacement, and a claim bound at once to a pre-created volume.
 * An in-process API server, scheduler, controller-manager (StatefulSet, PV and garbage
 * collector controllers) and kubelet-sim on a real etcd.
 */
@Timeout(240)
class KubectlStorageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static Kubectl kubectl;
    static KubeletSim sim;
    static Scheduler scheduler;
    static InProcessControllerManager controllers;

    @BeforeAll
    static void start() throws Exception {
        kubectl = CLUSTER.kubectl();
        // time scale 10: the kubelet's 10 s volume retry is 1 s of wall-clock time
        sim = new KubeletSim(new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.205.0.0/16"));
        sim.start(CLUSTER.etcd());
        scheduler = new Scheduler(
                CLUSTER.etcd(),
                new SchedulerConfig(
                        "default-scheduler", "storage-test", Duration.ofMillis(200), Duration.ofSeconds(2), 64));
        scheduler.start();
        scheduler.startLeading(Fence.NONE);
        controllers = InProcessControllerManager.start(
                CLUSTER, "storage-test", "statefulset,persistentvolume-binder,garbagecollector");
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    static String ok(String... args) {
        return kubectl.run(args).ok();
    }

    static void apply(String yaml) {
        kubectl.run(yaml, Map.of(), "apply", "-f", "-").ok();
    }

    static String jsonpath(String resource, String name, String path) {
        return kubectl.run("get", resource, name, "-o", "jsonpath=" + path).out();
    }

    @Test
    void theDefaultStorageClassIsStandard() {
        String out = Poll.until(
                WAIT, "kubectl get sc lists standard", () -> ok("get", "sc"), o -> o.contains("standard (default)"));
        assertThat(out.lines().toList().get(0).split("\\s+"))
                .containsExactly(
                        "NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE");
        assertThat(out.lines().toList().get(1).split("\\s+"))
                .startsWith("standard", "(default)", "kubelite.io/hostpath", "Delete", "WaitForFirstConsumer", "false");
    }

    @Test
    void statefulSetDataSurvivesThePodsReplacement() {
        apply("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: web}
                spec:
                  serviceName: web
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 0
                      containers:
                      - name: app
                        image: busybox
                        command: ["sh", "-c", "sleep infinity"]
                        volumeMounts: [{name: data, mountPath: /data}]
                  volumeClaimTemplates:
                  - metadata: {name: data}
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources: {requests: {storage: 1Gi}}
                """);
        Poll.until(
                WAIT,
                "claim data-web-0 Bound",
                () -> jsonpath("pvc", "data-web-0", "{.status.phase}"),
                "Bound"::equals);
        String pv = jsonpath("pvc", "data-web-0", "{.spec.volumeName}");
        assertThat(jsonpath("pvc", "data-web-0", "{.spec.storageClassName}")).isEqualTo("standard");
        assertThat(pv).startsWith("pvc-");
        assertThat(jsonpath(
                        "pv", pv, "{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}"))
                .isEqualTo("sim-node-0");
        String pvcTable = ok("get", "pvc", "data-web-0");
        assertThat(pvcTable.lines().toList().get(0).split("\\s+"))
                .containsExactly(
                        "NAME",
                        "STATUS",
                        "VOLUME",
                        "CAPACITY",
                        "ACCESS",
                        "MODES",
                        "STORAGECLASS",
                        "VOLUMEATTRIBUTESCLASS",
                        "AGE");
        assertThat(pvcTable.lines().toList().get(1).split("\\s+"))
                .startsWith("data-web-0", "Bound", pv, "1Gi", "RWO", "standard", "<unset>");
        String pvTable = ok("get", "pv", pv);
        assertThat(pvTable.lines().toList().get(1).split("\\s+"))
                .startsWith(pv, "1Gi", "RWO", "Delete", "Bound", "default/data-web-0", "standard", "<unset>");

        ok("wait", "--for=condition=Ready", "pod/web-0", "--timeout=60s");
        ok("exec", "web-0", "--", "sh", "-c", "echo hi > /data/x");
        String uid = jsonpath("pod", "web-0", "{.metadata.uid}");
        ok("delete", "pod", "web-0");
        Poll.until(
                WAIT,
                "a new web-0",
                () -> jsonpath("pod", "web-0", "{.metadata.uid}"),
                u -> !u.isEmpty() && !u.equals(uid));
        ok("wait", "--for=condition=Ready", "pod/web-0", "--timeout=60s");
        assertThat(ok("exec", "web-0", "--", "cat", "/data/x")).isEqualTo("hi\n");
    }

    @Test
    void immediateClaimBindsToAPreCreatedVolume() {
        apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: manual-pv}
                spec:
                  capacity: {storage: 2Gi}
                  accessModes: [ReadWriteOnce]
                  storageClassName: manual
                  hostPath: {path: /srv/manual}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: manual-claim}
                spec:
                  storageClassName: manual
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """);
        Poll.until(
                WAIT,
                "claim manual-claim Bound to manual-pv",
                () -> jsonpath("pvc", "manual-claim", "{.status.phase} {.spec.volumeName}"),
                "Bound manual-pv"::equals);
        String pvTable = Poll.until(
                WAIT,
                "manual-pv Bound in kubectl get pv",
                () -> ok("get", "pv", "manual-pv"),
                o -> o.contains(" Bound "));
        assertThat(pvTable.lines().toList().get(0).split("\\s+"))
                .containsExactly(
                        "NAME",
                        "CAPACITY",
                        "ACCESS",
                        "MODES",
                        "RECLAIM",
                        "POLICY",
                        "STATUS",
                        "CLAIM",
                        "STORAGECLASS",
                        "VOLUMEATTRIBUTESCLASS",
                        "REASON",
                        "AGE");
        assertThat(pvTable.lines().toList().get(1).split("\\s+"))
                .startsWith("manual-pv", "2Gi", "RWO", "Retain", "Bound", "default/manual-claim", "manual", "<unset>");

        // a pod of the claim writes into the volume's directory on its node
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: manual-user}
                spec:
                  terminationGracePeriodSeconds: 0
                  volumes: [{name: v, persistentVolumeClaim: {claimName: manual-claim}}]
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "echo stored > /v/f; sleep infinity"]
                    volumeMounts: [{name: v, mountPath: /v}]
                """);
        ok("wait", "--for=condition=Ready", "pod/manual-user", "--timeout=60s");
        Poll.until(
                WAIT,
                "the file in the volume",
                () -> kubectl.run("exec", "manual-user", "--", "cat", "/v/f").out(),
                "stored\n"::equals);
    }

    @Test
    void podOfAMissingClaimIsUnschedulable() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: no-claim}
                spec:
                  volumes: [{name: v, persistentVolumeClaim: {claimName: absent}}]
                  containers: [{name: app, image: busybox}]
                """);
        Poll.until(
                WAIT,
                "a FailedScheduling event naming the claim",
                () -> ok("get", "events", "--field-selector", "involvedObject.name=no-claim"),
                o -> o.contains("persistentvolumeclaim \"absent\" not found"));
    }

    @Test
    void aPodOnItsNodeWaitsForItsClaimToBeBound() {
        // bound to the node by hand, past the scheduler: the kubelet itself must wait for the claim
        apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: late}
                spec:
                  storageClassName: late
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: waiter}
                spec:
                  nodeName: sim-node-0
                  terminationGracePeriodSeconds: 0
                  volumes: [{name: v, persistentVolumeClaim: {claimName: late}}]
                  containers:
                  - {name: app, image: busybox, command: ["sh", "-c", "sleep infinity"], volumeMounts: [{name: v, mountPath: /v}]}
                """);
        Poll.until(
                WAIT,
                "a FailedMount event for waiter",
                () -> ok("get", "events", "--field-selector", "involvedObject.name=waiter,reason=FailedMount"),
                o -> o.contains("error processing PVC default/late: PVC is not bound"));
        assertThat(jsonpath("pod", "waiter", "{.status.containerStatuses[0].state.waiting.reason}"))
                .isEqualTo("ContainerCreating");
        apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: late-pv}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  storageClassName: late
                  hostPath: {path: /srv/late}
                """);
        ok("wait", "--for=condition=Ready", "pod/waiter", "--timeout=60s");
    }
}
