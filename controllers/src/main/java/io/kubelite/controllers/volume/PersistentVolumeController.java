package io.kubelite.controllers.volume;

import io.kubelite.api.Node;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.StorageClass;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.WorkQueue;

/**
 * kube's PersistentVolume controller ({@code pkg/controller/volume/persistentvolume}) with
 * kubelite's simulated provisioner: claims are bound to matching volumes, provisioned for by
 * {@link HostPathProvisioner} when their class names it (a WaitForFirstConsumer claim only once
 * the scheduler has picked its node), given the default class when they name none (kube 1.28's
 * retroactive assignment); volumes go Available, Bound and Released, and a released volume is
 * deleted or kept as its reclaim policy says. {@link ClaimSync} and {@link VolumeSync} hold the
 * two loops; this class wires the informers and queues.
 */
public final class PersistentVolumeController implements Controller {
    private final Informer<PersistentVolumeClaim> claims;
    private final Informer<PersistentVolume> volumes;
    private final WorkQueue<String> claimQueue;
    private final WorkQueue<String> volumeQueue;
    private final ClaimSync claimSync;
    private final VolumeSync volumeSync;

    public PersistentVolumeController(ControllerContext ctx) {
        this.claimQueue = ctx.newQueue("claims");
        this.volumeQueue = ctx.newQueue("volumes");
        this.claims = ctx.informers().get(PersistentVolumeClaimKind.RESOURCE);
        this.volumes = ctx.informers().get(PersistentVolumeKind.RESOURCE);
        Informer<StorageClass> classes = ctx.informers().get(StorageClassKind.RESOURCE);
        Informer<Node> nodes = ctx.informers().get(NodeKind.RESOURCE);
        EventRecorder recorder = ctx.recorder();
        this.claimSync = new ClaimSync(ctx.store(), claims, volumes, classes, nodes, recorder);
        this.volumeSync = new VolumeSync(ctx.store(), claims, volumes, recorder);
        claims.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim c) {
                claimQueue.add(Informer.keyOf(c.getMetadata()));
            }

            @Override
            public void onUpdate(PersistentVolumeClaim o, PersistentVolumeClaim c) {
                claimQueue.add(Informer.keyOf(c.getMetadata()));
            }

            @Override
            public void onDelete(PersistentVolumeClaim c) {
                // the claim's volume is released
                for (PersistentVolume pv : volumes.list()) {
                    if (pv.getSpec().hasClaimRef()
                            && pv.getSpec()
                                    .getClaimRef()
                                    .getUid()
                                    .equals(c.getMetadata().getUid())) {
                        volumeQueue.add(pv.getMetadata().getName());
                    }
                }
            }
        });
        volumes.addHandler(ResourceEventHandler.onAnyChange(pv -> {
            volumeQueue.add(pv.getMetadata().getName());
            if (pv.getSpec().hasClaimRef()) {
                claimQueue.add(Informer.keyOf(
                        pv.getSpec().getClaimRef().getNamespace(),
                        pv.getSpec().getClaimRef().getName()));
            }
        }));
        // a class created (the default one at startup) may unblock pending claims
        classes.addHandler(ResourceEventHandler.onAnyChange(
                sc -> claims.list().forEach(c -> claimQueue.add(Informer.keyOf(c.getMetadata())))));
    }

    @Override
    public String name() {
        return "persistentvolume-binder";
    }

    @Override
    public void start() {
        claims.list().forEach(c -> claimQueue.add(Informer.keyOf(c.getMetadata())));
        volumes.list().forEach(pv -> volumeQueue.add(pv.getMetadata().getName()));
        claimQueue.start(1, claimSync::sync);
        volumeQueue.start(1, volumeSync::sync);
    }

    @Override
    public void close() {
        claimQueue.close();
        volumeQueue.close();
    }
}
