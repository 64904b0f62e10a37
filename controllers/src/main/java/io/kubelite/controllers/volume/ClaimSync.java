package io.kubelite.controllers.volume;

import io.kubelite.api.Node;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.StorageClass;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolume.VolumeBinding;
import io.kubelite.kinds.core.persistentvolume.VolumeNodeAffinity;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.queue.Result;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim's sync, after kube's {@code syncClaim}: a claim without a class gets the default
 * one; an unbound claim is bound to its matching volume (kube's {@code bind}: the volume's
 * claimRef and phase Bound first, then the claim's volumeName, annotations and status), or
 * has one provisioned, or waits (Pending, with kube's events); a bound claim whose volume is
 * gone is Lost.
 */
final class ClaimSync {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimSync.class);
    private static final long TIMEOUT_SECONDS = 15;

    private final ObjectStore<PersistentVolumeClaim> claimStore;
    private final ObjectStore<PersistentVolume> volumeStore;
    private final Informer<PersistentVolumeClaim> claims;
    private final Informer<PersistentVolume> volumes;
    private final Informer<StorageClass> classes;
    private final Informer<Node> nodes;
    private final EventRecorder recorder;

    ClaimSync(
            Store store,
            Informer<PersistentVolumeClaim> claims,
            Informer<PersistentVolume> volumes,
            Informer<StorageClass> classes,
            Informer<Node> nodes,
            EventRecorder recorder) {
        this.claimStore = store.of(PersistentVolumeClaimKind.RESOURCE);
        this.volumeStore = store.of(PersistentVolumeKind.RESOURCE);
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
        this.nodes = nodes;
        this.recorder = recorder;
    }

    Result sync(String key) throws Exception {
        PersistentVolumeClaim c = claims.get(key).orElse(null);
        if (c == null || c.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        if (!c.getSpec().hasStorageClassName()) {
            return assignDefaultClass(c);
        }
        if (!c.getSpec().getVolumeName().isEmpty()) {
            return syncBound(c);
        }
        StorageClass sc = classes.get(VolumeBinding.claimClass(c)).orElse(null);
        boolean waitForConsumer =
                sc != null && StorageClassKind.WAIT_FOR_FIRST_CONSUMER.equals(StorageClassKind.bindingMode(sc));
        String node = c.getMetadata().getAnnotationsOrDefault(VolumeBinding.SELECTED_NODE, "");
        Predicate<PersistentVolume> reachable = pv -> true;
        if (waitForConsumer) {
            if (node.isEmpty()) {
                event(c, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
                return Result.done();
            }
            Node n = nodes.get(node).orElse(null);
            Map<String, String> labels = n == null ? Map.of() : n.getMetadata().getLabelsMap();
            reachable = pv -> VolumeNodeAffinity.allows(pv, node, labels);
        }
        Optional<PersistentVolume> match = VolumeBinding.findMatch(c, volumes.list(), reachable);
        if (match.isPresent()) {
            bind(c, match.get());
            return Result.done();
        }
        if (sc != null && HostPathProvisioner.provisions(sc)) {
            provision(c, sc, waitForConsumer ? node : "");
            return Result.done();
        }
        event(
                c,
                "Normal",
                "FailedBinding",
                sc == null && VolumeBinding.claimClass(c).isEmpty()
                        ? "no persistent volumes available for this claim and no storage class is set"
                        : sc == null
                                ? "storageclass.storage.k8s.io \"" + VolumeBinding.claimClass(c) + "\" not found"
                                : "no persistent volumes available for this claim and the class's provisioner \""
                                        + sc.getProvisioner() + "\" is not kubelite's");
        return Result.requeueAfter(Duration.ofSeconds(15));
    }

    /** kube 1.28+: a claim created while no class was default gets the default class later. */
    private Result assignDefaultClass(PersistentVolumeClaim c) throws Exception {
        Optional<StorageClass> def = StorageClassKind.defaultOf(classes.list());
        if (def.isEmpty() || c.getMetadata().containsAnnotations("volume.beta.kubernetes.io/storage-class")) {
            return Result.done();
        }
        String name = def.get().getMetadata().getName();
        claimStore
                .guaranteedUpdate(
                        c.getMetadata().getNamespace(),
                        c.getMetadata().getName(),
                        cur -> cur.getSpec().hasStorageClassName()
                                ? cur
                                : cur.toBuilder()
                                        .setSpec(cur.getSpec().toBuilder().setStorageClassName(name))
                                        .build())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("claim {} assigned the default storage class {}", Informer.keyOf(c.getMetadata()), name);
        return Result.done();
    }

    private Result syncBound(PersistentVolumeClaim c) throws Exception {
        PersistentVolume pv = volumes.get(c.getSpec().getVolumeName()).orElse(null);
        if (pv == null) {
            if (!"Lost".equals(c.getStatus().getPhase())) {
                setPhase(c, "Lost");
                event(
                        c,
                        "Warning",
                        "ClaimLost",
                        "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
            }
            return Result.done();
        }
        if (!pv.getSpec().hasClaimRef()) {
            bind(c, pv); // the user named the volume: finish the binding from the volume's side
        } else if (VolumeBinding.claimRefers(pv, c)) {
            if (!"Bound".equals(c.getStatus().getPhase())
                    || pv.getSpec().getClaimRef().getUid().isEmpty()) {
                bind(c, pv);
            }
        } else if (!"Lost".equals(c.getStatus().getPhase())) {
            setPhase(c, "Lost");
            event(
                    c,
                    "Warning",
                    "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly");
        }
        return Result.done();
    }

    /** kube's {@code bind}: the volume's side first, so a crash in between leaves a volume the claim can finish. */
    private void bind(PersistentVolumeClaim c, PersistentVolume pv) throws Exception {
        boolean byController = !VolumeBinding.claimRefers(pv, c)
                || pv.getSpec().getClaimRef().getUid().isEmpty();
        PersistentVolume bound = volumeStore
                .guaranteedUpdate(null, pv.getMetadata().getName(), cur -> {
                    if (cur.getSpec().hasClaimRef() && !VolumeBinding.claimRefers(cur, c)) {
                        throw new IllegalStateException(
                                "volume " + cur.getMetadata().getName() + " was bound to another claim meanwhile");
                    }
                    PersistentVolume.Builder b = cur.toBuilder();
                    b.getSpecBuilder().setClaimRef(ClaimRefs.of(c));
                    if (byController) {
                        b.getMetadataBuilder().putAnnotations(VolumeBinding.BOUND_BY_CONTROLLER, "yes");
                    }
                    if (!"Bound".equals(cur.getStatus().getPhase())) {
                        b.getStatusBuilder().setLastPhaseTransitionTime(Times.nowSeconds());
                    }
                    b.getStatusBuilder().setPhase("Bound").clearReason().clearMessage();
                    return b.build();
                })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        AtomicBoolean changed = new AtomicBoolean();
        claimStore
                .guaranteedUpdate(
                        c.getMetadata().getNamespace(), c.getMetadata().getName(), cur -> {
                            PersistentVolumeClaim.Builder b = cur.toBuilder();
                            if (cur.getSpec().getVolumeName().isEmpty()) {
                                b.getSpecBuilder()
                                        .setVolumeName(bound.getMetadata().getName());
                                b.getMetadataBuilder().putAnnotations(VolumeBinding.BOUND_BY_CONTROLLER, "yes");
                            }
                            b.getMetadataBuilder().putAnnotations(VolumeBinding.BIND_COMPLETED, "yes");
                            b.getStatusBuilder()
                                    .setPhase("Bound")
                                    .clearAccessModes()
                                    .addAllAccessModes(bound.getSpec().getAccessModesList())
                                    .clearCapacity()
                                    .putAllCapacity(bound.getSpec().getCapacityMap());
                            PersistentVolumeClaim next = b.build();
                            changed.set(!next.equals(cur));
                            return next;
                        })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (changed.get()) { // a sync from a stale cache repeats a finished binding and writes nothing
            LOG.info(
                    "claim {} bound to volume {}",
                    Informer.keyOf(c.getMetadata()),
                    bound.getMetadata().getName());
        }
    }

    private void provision(PersistentVolumeClaim c, StorageClass sc, String node) throws Exception {
        PersistentVolume pv = HostPathProvisioner.volumeFor(c, sc, node);
        try {
            volumeStore.create(pv).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (StoreException.unwrap(e) instanceof AlreadyExistsException) {
                return; // provisioned before: the volume's event binds it
            }
            throw e;
        }
        LOG.info(
                "provisioned volume {} for claim {} on node {}",
                pv.getMetadata().getName(),
                Informer.keyOf(c.getMetadata()),
                node.isEmpty() ? "<any>" : node);
        event(
                c,
                "Normal",
                "ProvisioningSucceeded",
                "Successfully provisioned volume " + pv.getMetadata().getName());
    }

    private void setPhase(PersistentVolumeClaim c, String phase) throws Exception {
        claimStore
                .guaranteedUpdate(
                        c.getMetadata().getNamespace(), c.getMetadata().getName(), cur -> {
                            PersistentVolumeClaim.Builder b = cur.toBuilder();
                            b.getStatusBuilder().setPhase(phase);
                            return b.build();
                        })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private void event(PersistentVolumeClaim c, String type, String reason, String message) {
        recorder.event(ClaimRefs.of(c), type, reason, message);
    }
}
