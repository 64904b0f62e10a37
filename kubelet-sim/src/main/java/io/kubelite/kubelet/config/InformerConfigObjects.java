package io.kubelite.kubelet.config;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceAccount;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.SharedInformerFactory;
import java.util.List;
import java.util.Optional;

/**
 * {@link ConfigObjects} from informers on etcd (ConfigMaps, Secrets, Services, ServiceAccounts, claims, volumes), registered
 * with the given factory and started with it. Until they have synced, lookups miss, which a
 * container waiting in CreateContainerConfigError retries.
 */
public final class InformerConfigObjects implements ConfigObjects {
    private final Informer<ConfigMap> configMaps;
    private final Informer<Secret> secrets;
    private final Informer<Service> services;
    private final Informer<ServiceAccount> serviceAccounts;
    private final Informer<PersistentVolumeClaim> claims;
    private final Informer<PersistentVolume> volumes;

    public InformerConfigObjects(SharedInformerFactory factory) {
        this.configMaps = factory.get(ConfigMapKind.RESOURCE);
        this.secrets = factory.get(SecretKind.RESOURCE);
        this.services = factory.get(ServiceKind.RESOURCE);
        this.serviceAccounts = factory.get(ServiceAccountKind.RESOURCE);
        this.claims = factory.get(PersistentVolumeClaimKind.RESOURCE);
        this.volumes = factory.get(PersistentVolumeKind.RESOURCE);
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
        return configMaps.get(namespace, name);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return secrets.get(namespace, name);
    }

    @Override
    public List<Service> services() {
        return services.list();
    }

    @Override
    public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
        return serviceAccounts.get(namespace, name);
    }

    @Override
    public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
        return claims.get(namespace, name);
    }

    @Override
    public Optional<PersistentVolume> volume(String name) {
        return volumes.get(name);
    }
}
