package io.kubelite.apiserver.storage;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.StorageClass;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's default StorageClass {@code standard}: kubelite's simulated provisioner
 * ({@value #PROVISIONER}), reclaim policy Delete, binding WaitForFirstConsumer, marked default
 * by kube's annotation; created at startup when missing, as kind and minikube clusters come
 * with one. Any replica may do it; an existing one (even changed) is left alone.
 */
public final class StorageClassBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(StorageClassBootstrap.class);

    public static final String NAME = "standard";

    /** The simulated host-path provisioner the controller-manager runs. */
    public static final String PROVISIONER = "kubelite.io/hostpath";

    private StorageClassBootstrap() {}

    /** The class as created. */
    public static StorageClass standard() {
        return StorageClassKind.KIND
                .strategy()
                .defaults(StorageClass.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName(NAME)
                                .putAnnotations(StorageClassKind.IS_DEFAULT_CLASS, "true"))
                        .setProvisioner(PROVISIONER)
                        .setReclaimPolicy("Delete")
                        .setVolumeBindingMode(StorageClassKind.WAIT_FOR_FIRST_CONSUMER)
                        .build());
    }

    /** Starts the create; failures other than AlreadyExists are logged, not thrown. */
    /** Completes (never exceptionally) when the class exists or could not be made. */
    public static java.util.concurrent.CompletableFuture<Void> createMissing(Store store) {
        return store.of(StorageClassKind.RESOURCE).create(standard()).handle((v, err) -> {
            if (err != null && !(StoreException.unwrap(err) instanceof AlreadyExistsException)) {
                LOG.warn("could not create storageclass {}: {}", NAME, err.getMessage());
            }
            return null;
        });
    }
}
