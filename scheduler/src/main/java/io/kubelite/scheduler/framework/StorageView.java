package io.kubelite.scheduler.framework;

import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.StorageClass;
import java.util.List;
import java.util.Optional;

/**
 * What the volume binding plugin reads of the cluster's storage: claims, volumes and classes,
 * as the scheduler's informers hold them. Implementations are thread-safe.
 */
public interface StorageView {
    /** A view of a cluster without claims, volumes or classes. */
    StorageView EMPTY = new StorageView() {
        @Override
        public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public Optional<PersistentVolume> volume(String name) {
            return Optional.empty();
        }

        @Override
        public List<PersistentVolume> volumes() {
            return List.of();
        }

        @Override
        public Optional<StorageClass> storageClass(String name) {
            return Optional.empty();
        }
    };

    Optional<PersistentVolumeClaim> claim(String namespace, String name);

    Optional<PersistentVolume> volume(String name);

    List<PersistentVolume> volumes();

    Optional<StorageClass> storageClass(String name);
}
