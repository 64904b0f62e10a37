package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses as the API server serves them to
 * the real kubectl, with no controller running: the default class made at startup, the
 * DefaultStorageClass admission, kube's defaulting, validation and immutability messages.
 */
class KubectlStorageObjectsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    private Kubectl.Result apply(String yaml) {
        return kubectl.run(yaml, Map.of(), "apply", "-f", "-");
    }

    private String get(String resource, String name, String path) {
        return kubectl.run("get", resource, name, "-o", "jsonpath=" + path).ok();
    }

    @Test
    void aClaimWithoutClassGetsTheDefaultOneAndAnEmptyClassStaysEmpty() {
        Poll.until(
                Duration.ofSeconds(10),
                "storageclass standard",
                () -> kubectl.run("get", "sc", "standard").exitCode(),
                c -> c == 0);
        apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: defaulted}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: classless}
                spec:
                  storageClassName: ""
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """).ok();
        assertThat(get("pvc", "defaulted", "{.spec.storageClassName} {.spec.volumeMode} {.status.phase}"))
                .isEqualTo("standard Filesystem Pending");
        assertThat(get("pvc", "classless", "{.spec.storageClassName}|{.status.phase}"))
                .isEqualTo("|Pending");
        // an unbound claim's VOLUME, CAPACITY and ACCESS MODES are blank
        String row = kubectl.run("get", "pvc", "defaulted", "--no-headers").ok();
        assertThat(row.split("\\s+")).startsWith("defaulted", "Pending", "standard", "<unset>");
        assertThat(get("sc", "standard", "{.provisioner} {.reclaimPolicy} {.volumeBindingMode}"))
                .isEqualTo("kubelite.io/hostpath Delete WaitForFirstConsumer");
        // kubectl's own describers read the objects
        assertThat(kubectl.run("describe", "pvc", "defaulted").ok())
                .contains("StorageClass:  ", "standard")
                .contains("Status:        Pending");
        assertThat(kubectl.run("describe", "sc", "standard").ok())
                .contains("IsDefaultClass:        Yes")
                .contains("Provisioner:           kubelite.io/hostpath");
    }

    @Test
    void invalidObjectsAreRefusedWithKubesMessages() {
        Kubectl.Result pvc = apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: bad}
                spec:
                  resources: {requests: {}}
                """);
        assertThat(pvc.exitCode()).isNotZero();
        assertThat(pvc.err())
                .contains("spec.accessModes: Required value: at least 1 access mode is required")
                .contains("spec.resources[storage]: Required value");

        Kubectl.Result pv = apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: bad-local}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  local: {path: /mnt/disk}
                """);
        assertThat(pv.exitCode()).isNotZero();
        assertThat(pv.err()).contains("spec.nodeAffinity: Required value: Local volume requires node affinity");

        Kubectl.Result sc = apply("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: bad}
                provisioner: ""
                """);
        assertThat(sc.exitCode()).isNotZero();
        assertThat(sc.err()).contains("provisioner: Required value");
    }

    @Test
    void aStorageClassesProvisionerAndAPersistentVolumesSourceAreImmutable() {
        apply("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: slow}
                provisioner: example.com/slow
                ---
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: pv-a}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  hostPath: {path: /srv/a}
                """).ok();
        assertThat(get("sc", "slow", "{.reclaimPolicy} {.volumeBindingMode}")).isEqualTo("Delete Immediate");
        assertThat(get("pv", "pv-a", "{.spec.persistentVolumeReclaimPolicy} {.status.phase}"))
                .isEqualTo("Retain Pending");
        Kubectl.Result sc = kubectl.run("patch", "sc", "slow", "-p", "{\"provisioner\":\"example.com/fast\"}");
        assertThat(sc.err()).contains("provisioner: Forbidden: updates to provisioner are forbidden.");
        Kubectl.Result pv = kubectl.run("patch", "pv", "pv-a", "-p", "{\"spec\":{\"hostPath\":{\"path\":\"/srv/b\"}}}");
        assertThat(pv.err()).contains("spec.persistentvolumesource is immutable after creation");
    }
}
