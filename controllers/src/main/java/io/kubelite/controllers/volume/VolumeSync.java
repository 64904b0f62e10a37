package io.kubelite.controllers.volume;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.queue.Result;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One volume's sync, after kube's {@code syncVolume}: without a claimRef it is Available; with
 * one to a claim that exists it is Bound (the claim's sync finishes the binding); with one to a
 * claim that is gone (its uid differs or it was deleted) it is Released, then deleted when its
 * reclaim policy is Delete (kube's {@code reclaimVolume}) or kept Released for Retain. A volume
 * pre-bound by the user to a claim not created yet (no uid in the ref) stays Available.
 */
final class VolumeSync {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeSync.class);
    private static final long TIMEOUT_SECONDS = 15;

    private final ObjectStore<PersistentVolume> volumeStore;
    private final Informer<PersistentVolumeClaim> claims;
    private final Informer<PersistentVolume> volumes;
    private final EventRecorder recorder;

    VolumeSync(
            Store store,
            Informer<PersistentVolumeClaim> claims,
            Informer<PersistentVolume> volumes,
            EventRecorder recorder) {
        this.volumeStore = store.of(PersistentVolumeKind.RESOURCE);
        this.claims = claims;
        this.volumes = volumes;
        this.recorder = recorder;
    }

    Result sync(String name) throws Exception {
        PersistentVolume pv = volumes.get(name).orElse(null);
        if (pv == null || pv.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        if (!pv.getSpec().hasClaimRef() || pv.getSpec().getClaimRef().getUid().isEmpty()) {
            return phase(pv, "Available");
        }
        var ref = pv.getSpec().getClaimRef();
        PersistentVolumeClaim c = claims.get(ref.getNamespace(), ref.getName()).orElse(null);
        if (c != null && c.getMetadata().getUid().equals(ref.getUid())) {
            // the claim's sync binds; here only the phase of a volume the claim names
            return c.getSpec().getVolumeName().equals(name) ? phase(pv, "Bound") : Result.done();
        }
        // the claim is gone: kube's claimRef is kept, so the volume is not bound again by accident
        if (!"Released".equals(pv.getStatus().getPhase())
                && !"Failed".equals(pv.getStatus().getPhase())) {
            phase(pv, "Released");
            LOG.info("volume {} released by claim {}/{}", name, ref.getNamespace(), ref.getName());
        }
        if ("Delete".equals(pv.getSpec().getPersistentVolumeReclaimPolicy())) {
            try {
                volumeStore
                        .delete(null, name, Preconditions.uid(pv.getMetadata().getUid()))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("deleted released volume {} (reclaim policy Delete)", name);
            } catch (ExecutionException e) {
                if (!(StoreException.unwrap(e) instanceof NotFoundException)) {
                    recorder.event(
                            ClaimRefs.of(pv),
                            "Warning",
                            "VolumeFailedDelete",
                            e.getCause().getMessage());
                    throw e;
                }
            }
        }
        return Result.done();
    }

    private Result phase(PersistentVolume pv, String phase) throws Exception {
        if (phase.equals(pv.getStatus().getPhase())) {
            return Result.done();
        }
        volumeStore
                .guaranteedUpdate(null, pv.getMetadata().getName(), cur -> {
                    PersistentVolume.Builder b = cur.toBuilder();
                    if (!phase.equals(cur.getStatus().getPhase())) {
                        b.getStatusBuilder().setPhase(phase).setLastPhaseTransitionTime(Times.nowSeconds());
                    }
                    return b.build();
                })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return Result.done();
    }
}
