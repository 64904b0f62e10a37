package io.kubelite.apiserver.storage;

import com.google.protobuf.Message;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.StorageClass;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.MutatingAdmission;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import java.util.concurrent.CompletableFuture;

/**
 * kube's DefaultStorageClass admission: a claim created without {@code storageClassName} (nor
 * the beta class annotation) gets the default class's name. With several classes marked
 * default the newest wins (kube 1.26+; by name when created together); with none the claim is
 * left without a class. An explicit {@code ""} asks for no class and is kept.
 */
public final class DefaultStorageClass implements MutatingAdmission {
    /** kube's beta annotation naming a claim's class, honoured as an explicit choice. */
    static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private final HandlerContext ctx;

    public DefaultStorageClass(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "DefaultStorageClass";
    }

    @Override
    public boolean handles(Attributes a) {
        return a.operation() == Operation.CREATE && a.isMain(PersistentVolumeClaimKind.RESOURCE);
    }

    /** The claim as admitted: with the default class set where it names none. */
    @Override
    public CompletableFuture<Message> admit(Attributes a) {
        PersistentVolumeClaim pvc = (PersistentVolumeClaim) a.object();
        if (pvc.getSpec().hasStorageClassName() || pvc.getMetadata().containsAnnotations(BETA_CLASS_ANNOTATION)) {
            return CompletableFuture.completedFuture(pvc);
        }
        WatchCache<StorageClass> cache = ctx.cache(StorageClassKind.RESOURCE);
        return cache.synced()
                .thenApply(v -> StorageClassKind.defaultOf(cache.snapshot(null).entries().stream()
                                .map(WatchCache.Entry::object)
                                .toList())
                        .map(sc -> pvc.toBuilder()
                                .setSpec(pvc.getSpec().toBuilder()
                                        .setStorageClassName(sc.getMetadata().getName()))
                                .build())
                        .<Message>map(x -> x)
                        .orElse(pvc));
    }
}
