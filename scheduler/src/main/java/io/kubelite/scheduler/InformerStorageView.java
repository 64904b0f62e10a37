package io.kubelite.scheduler;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.StorageClass;
import io.kubelite.scheduler.framework.StorageView;
import io.kubelite.store.informer.Informer;
import java.util.List;
import java.util.Optional;

/** The scheduler's {@link StorageView}: its claim, volume and class informers. */
final class InformerStorageView implements StorageView {
    private final Informer<PersistentVolumeClaim> claims;
    private final Informer<PersistentVolume> volumes;
    private final Informer<StorageClass> classes;

    InformerStorageView(
            Informer<PersistentVolumeClaim> claims,
            Informer<PersistentVolume> volumes,
            Informer<StorageClass> classes) {
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
    }

    @Override
    public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
        return claims.get(namespace, name);
    }

    @Override
    public Optional<PersistentVolume> volume(String name) {
        return volumes.get(name);
    }

    @Override
    public List<PersistentVolume> volumes() {
        return volumes.list();
    }

    @Override
    public Optional<StorageClass> storageClass(String name) {
        return classes.get(name);
    }
}
