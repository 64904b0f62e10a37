package io.kubelite.scheduler.plugins;

import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.HostPathVolumeSource;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.PersistentVolumeClaimSpec;
import io.kubelite.api.PersistentVolumeClaimVolumeSource;
import io.kubelite.api.PersistentVolumeSpec;
import io.kubelite.api.PersistentVolumeStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.StorageClass;
import io.kubelite.api.TopologySelectorLabelRequirement;
import io.kubelite.api.TopologySelectorTerm;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeNodeAffinity;
import io.kubelite.api.VolumeResourceRequirements;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.Framework;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.Status;
import io.kubelite.scheduler.framework.StorageView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The VolumeBinding filter over an in-memory {@link StorageView} (no etcd): kube's cases and messages. */
class VolumeBindingFilterTest {
    /** Claims, volumes and classes held in maps. */
    private static final class Storage implements StorageView {
        final Map<String, PersistentVolumeClaim> claims = new LinkedHashMap<>();
        final Map<String, PersistentVolume> volumes = new LinkedHashMap<>();
        final Map<String, StorageClass> classes = new LinkedHashMap<>();

        Storage claim(PersistentVolumeClaim c) {
            claims.put(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName(), c);
            return this;
        }

        Storage volume(PersistentVolume pv) {
            volumes.put(pv.getMetadata().getName(), pv);
            return this;
        }

        Storage storageClass(StorageClass sc) {
            classes.put(sc.getMetadata().getName(), sc);
            return this;
        }

        @Override
        public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
            return Optional.ofNullable(claims.get(namespace + "/" + name));
        }

        @Override
        public Optional<PersistentVolume> volume(String name) {
            return Optional.ofNullable(volumes.get(name));
        }

        @Override
        public List<PersistentVolume> volumes() {
            return new ArrayList<>(volumes.values());
        }

        @Override
        public Optional<StorageClass> storageClass(String name) {
            return Optional.ofNullable(classes.get(name));
        }
    }

    private static final List<NodeInfo> NODES = List.of(
            NodeInfo.of(node("n1", Map.of("kubernetes.io/hostname", "n1", "zone", "a"))
                    .build()),
            NodeInfo.of(node("n2", Map.of("kubernetes.io/hostname", "n2", "zone", "b"))
                    .build()));

    private static Pod podWithClaim(String... claims) {
        Pod.Builder p = pod("p");
        for (String claim : claims) {
            p.getSpecBuilder()
                    .addVolumes(Volume.newBuilder()
                            .setName("vol-" + claim)
                            .setPersistentVolumeClaim(PersistentVolumeClaimVolumeSource.newBuilder()
                                    .setClaimName(claim)));
        }
        return p.build();
    }

    private static PersistentVolumeClaim claim(String name, String storageClass, String volumeName) {
        return PersistentVolumeClaim.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .setUid("uid-" + name))
                .setSpec(PersistentVolumeClaimSpec.newBuilder()
                        .addAccessModes("ReadWriteOnce")
                        .setResources(VolumeResourceRequirements.newBuilder().putRequests("storage", "1Gi"))
                        .setStorageClassName(storageClass)
                        .setVolumeName(volumeName))
                .build();
    }

    private static StorageClass storageClass(String name, String provisioner, String mode) {
        return StorageClass.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setProvisioner(provisioner)
                .setVolumeBindingMode(mode)
                .build();
    }

    private static PersistentVolume localVolume(String name, String storageClass, String node) {
        return PersistentVolume.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .setSpec(PersistentVolumeSpec.newBuilder()
                        .putCapacity("storage", "5Gi")
                        .addAccessModes("ReadWriteOnce")
                        .setStorageClassName(storageClass)
                        .setHostPath(HostPathVolumeSource.newBuilder().setPath("/data/" + name))
                        .setNodeAffinity(VolumeNodeAffinity.newBuilder()
                                .setRequired(NodeSelector.newBuilder()
                                        .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                                .addMatchExpressions(NodeSelectorRequirement.newBuilder()
                                                        .setKey("kubernetes.io/hostname")
                                                        .setOperator("In")
                                                        .addValues(node))))))
                .setStatus(PersistentVolumeStatus.newBuilder().setPhase("Available"))
                .build();
    }

    /** The message of the framework's FitError, or "scheduled on N". */
    private static String schedule(Storage storage, Pod pod) {
        Framework f = InTreePlugins.defaultProfile().build(InTreePlugins.registry(storage), 0);
        Framework.Result r = f.schedule(new PodInfo(pod), NODES);
        return r.scheduled() ? "scheduled on " + r.nodeName() : r.fitError().message();
    }

    @Test
    void podWithoutClaimsSkipsTheFilter() {
        Status s = new VolumeBindingFilter(new Storage())
                .preFilter(new CycleState(), new PodInfo(pod("p").build()), NODES);
        assertThat(s.isSkip()).isTrue();
    }

    @Test
    void missingClaimRejectsThePodEverywhere() {
        assertThat(schedule(new Storage(), podWithClaim("x")))
                .isEqualTo("0/2 nodes are available: persistentvolumeclaim \"x\" not found.");
    }

    @Test
    void unboundImmediateClaimRejectsThePod() {
        Storage s = new Storage()
                .storageClass(storageClass("fast", "kubelite.io/hostpath", "Immediate"))
                .claim(claim("data", "fast", ""));
        assertThat(schedule(s, podWithClaim("data")))
                .isEqualTo("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
    }

    @Test
    void boundVolumesNodeAffinityRestrictsTheNodes() {
        Storage s = new Storage().claim(claim("data", "local", "pv-n2")).volume(localVolume("pv-n2", "local", "n2"));
        assertThat(schedule(s, podWithClaim("data"))).isEqualTo("scheduled on n2");
        s.volume(localVolume("pv-n2", "local", "n3")); // now reachable from no node
        assertThat(schedule(s, podWithClaim("data")))
                .isEqualTo("0/2 nodes are available: 2 node(s) had volume node affinity conflict.");
    }

    @Test
    void waitForFirstConsumerClaimNeedsAReachableVolumeOrAProvisioner() {
        Storage s = new Storage()
                .storageClass(storageClass("local", "kubernetes.io/no-provisioner", "WaitForFirstConsumer"))
                .claim(claim("data", "local", ""))
                .volume(localVolume("pv-n1", "local", "n1"));
        assertThat(schedule(s, podWithClaim("data"))).isEqualTo("scheduled on n1");

        s.volumes.clear();
        assertThat(schedule(s, podWithClaim("data")))
                .isEqualTo("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind.");

        // a provisioner limited to zone b
        s.storageClass(storageClass("local", "kubelite.io/hostpath", "WaitForFirstConsumer").toBuilder()
                .addAllowedTopologies(TopologySelectorTerm.newBuilder()
                        .addMatchLabelExpressions(TopologySelectorLabelRequirement.newBuilder()
                                .setKey("zone")
                                .addValues("b")))
                .build());
        assertThat(schedule(s, podWithClaim("data"))).isEqualTo("scheduled on n2");
    }

    @Test
    void theBindingStepSelectsANodeForUnboundWaitForFirstConsumerClaimsOnly() {
        Storage s = new Storage()
                .storageClass(storageClass("standard", "kubelite.io/hostpath", "WaitForFirstConsumer"))
                .storageClass(storageClass("fast", "kubelite.io/hostpath", "Immediate"))
                .claim(claim("wait", "standard", ""))
                .claim(claim("done", "standard", "pv-1"))
                .claim(claim("now", "fast", ""));
        Pod p = podWithClaim("wait", "done", "now");
        assertThat(new VolumeBindingFilter(s).claimsToSelectNode(p))
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("wait");
    }
}
