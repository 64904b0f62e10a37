package io.kubelite.kubelet.config;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceAccount;
import java.util.List;
import java.util.Optional;

/**
 * The objects a kubelet reads to build a container's environment and volumes: ConfigMaps,
 * Secrets, Services, ServiceAccounts, and the claims and volumes behind persistentVolumeClaim volumes, as its caches hold them now. Implementations never block on the network:
 * a lookup answers from memory (kube's watch-based configmap/secret managers do the same).
 */
public interface ConfigObjects {
    Optional<ConfigMap> configMap(String namespace, String name);

    Optional<Secret> secret(String namespace, String name);

    /** Every Service, all namespaces. */
    List<Service> services();

    Optional<ServiceAccount> serviceAccount(String namespace, String name);

    /** A PersistentVolumeClaim, for a pod's {@code persistentVolumeClaim} volumes. */
    default Optional<PersistentVolumeClaim> claim(String namespace, String name) {
        return Optional.empty();
    }

    /** A PersistentVolume, the one a claim is bound to. */
    default Optional<PersistentVolume> volume(String name) {
        return Optional.empty();
    }

    /** Knows no object: every lookup misses. */
    ConfigObjects NONE = new ConfigObjects() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public List<Service> services() {
            return List.of();
        }

        @Override
        public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
            return Optional.empty();
        }
    };
}
