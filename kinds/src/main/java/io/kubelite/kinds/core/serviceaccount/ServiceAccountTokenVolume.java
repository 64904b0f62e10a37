package io.kubelite.kinds.core.serviceaccount;

import io.kubelite.api.ConfigMapProjection;
import io.kubelite.api.Container;
import io.kubelite.api.DownwardAPIProjection;
import io.kubelite.api.DownwardAPIVolumeFile;
import io.kubelite.api.KeyToPath;
import io.kubelite.api.ObjectFieldSelector;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ProjectedVolumeSource;
import io.kubelite.api.ServiceAccount;
import io.kubelite.api.ServiceAccountTokenProjection;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeMount;
import io.kubelite.api.VolumeProjection;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The service-account token volume kube's {@code ServiceAccount} admission plugin mounts into a
 * new pod ({@code mountServiceAccountToken}): a projected volume {@code kube-api-access-<5
 * random chars>} ({@link #source()}: the token, {@code ca.crt} from the {@value #ROOT_CA_CONFIG_MAP}
 * ConfigMap, the namespace; defaultMode 420) and a read-only mount of it at {@value #MOUNT_PATH}
 * in every init container and container that mounts nothing there yet. Ephemeral containers get
 * nothing: they are added later through their own subresource, as in kube.
 *
 * <p>Pure and shared: the API server's admission calls {@link #mount} for pods clients create,
 * and the controller-manager for pods it writes to etcd itself. The pod is returned unchanged
 * when it is a mirror pod, when {@link #automounts} says no, or when no container needs the
 * mount. A pod that already has a {@code kube-api-access-*} volume keeps it and gets mounts of
 * that one (kube's rule).
 */
public final class ServiceAccountTokenVolume {
    /** The volume name's prefix; the admission adds 5 random characters. */
    public static final String VOLUME_PREFIX = "kube-api-access-";
    /** Where containers see the token, {@code ca.crt} and {@code namespace}. */
    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    /** The ConfigMap the controller-manager's root-ca-cert-publisher keeps in every namespace. */
    public static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    /** Its key holding the cluster CA bundle. */
    public static final String ROOT_CA_KEY = "ca.crt";
    /** kube's {@code WarnOnlyBoundTokenExpirationSeconds}: 1 h plus 7 s, so kube can spot tokens used past 1 h. */
    public static final long EXPIRATION_SECONDS = 3607;
    /** kube's {@code ProjectedVolumeSourceDefaultMode} (0644), set explicitly as kube sets it. */
    public static final int DEFAULT_MODE = 420;

    /** kube's {@code utilrand} alphabet: no vowels, no look-alikes, so names spell no words. */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private static final ProjectedVolumeSource SOURCE = ProjectedVolumeSource.newBuilder()
            .setDefaultMode(DEFAULT_MODE)
            .addSources(VolumeProjection.newBuilder()
                    .setServiceAccountToken(ServiceAccountTokenProjection.newBuilder()
                            .setExpirationSeconds(EXPIRATION_SECONDS)
                            .setPath("token")))
            .addSources(VolumeProjection.newBuilder()
                    .setConfigMap(ConfigMapProjection.newBuilder()
                            .setName(ROOT_CA_CONFIG_MAP)
                            .addItems(KeyToPath.newBuilder().setKey(ROOT_CA_KEY).setPath(ROOT_CA_KEY))))
            .addSources(VolumeProjection.newBuilder()
                    .setDownwardApi(DownwardAPIProjection.newBuilder()
                            .addItems(DownwardAPIVolumeFile.newBuilder()
                                    .setPath("namespace")
                                    .setFieldRef(ObjectFieldSelector.newBuilder()
                                            .setApiVersion("v1")
                                            .setFieldPath("metadata.namespace")))))
            .build();

    private ServiceAccountTokenVolume() {}

    /** kube's {@code TokenVolumeSource()}: the projected source of the token volume. */
    public static ProjectedVolumeSource source() {
        return SOURCE;
    }

    /** True for a volume named as the admission names the token volume ({@code kube-api-access-*}). */
    public static boolean isTokenVolume(Volume v) {
        return v.getName().startsWith(VOLUME_PREFIX);
    }

    /**
     * kube's {@code shouldAutomount}: the pod's {@code automountServiceAccountToken} when set,
     * else the account's, else true. {@code account} may be null (not known): counts as unset.
     */
    public static boolean automounts(PodSpec spec, ServiceAccount account) {
        if (spec.hasAutomountServiceAccountToken()) {
            return spec.getAutomountServiceAccountToken();
        }
        if (account != null && account.hasAutomountServiceAccountToken()) {
            return account.getAutomountServiceAccountToken();
        }
        return true;
    }

    /** {@link #mount(Pod, ServiceAccount, Supplier)} with kube's random name. */
    public static Pod mount(Pod pod, ServiceAccount account) {
        return mount(pod, account, ServiceAccountTokenVolume::randomName);
    }

    /**
     * The pod with the token volume and its mounts, as kube's admission adds them; {@code account}
     * is the pod's ServiceAccount (null when not known: its setting counts as unset), {@code
     * names} gives the new volume's name (called at most once).
     */
    public static Pod mount(Pod pod, ServiceAccount account, Supplier<String> names) {
        if (MirrorPods.isMirror(pod) || !automounts(pod.getSpec(), account)) {
            return pod;
        }
        String existing = pod.getSpec().getVolumesList().stream()
                .filter(ServiceAccountTokenVolume::isTokenVolume)
                .map(Volume::getName)
                .findFirst()
                .orElse(null);
        String volumeName = existing != null ? existing : names.get();
        VolumeMount mount = VolumeMount.newBuilder()
                .setName(volumeName)
                .setReadOnly(true)
                .setMountPath(MOUNT_PATH)
                .build();
        PodSpec.Builder spec = pod.getSpec().toBuilder();
        boolean needed = false;
        for (int i = 0; i < spec.getInitContainersCount(); i++) {
            needed |= addMount(spec.getInitContainersBuilder(i), mount);
        }
        for (int i = 0; i < spec.getContainersCount(); i++) {
            needed |= addMount(spec.getContainersBuilder(i), mount);
        }
        if (!needed) {
            return pod;
        }
        if (existing == null) {
            spec.addVolumes(Volume.newBuilder().setName(volumeName).setProjected(SOURCE));
        }
        return pod.toBuilder().setSpec(spec).build();
    }

    /** Adds {@code mount} unless the container already mounts something at its path; true when added. */
    private static boolean addMount(Container.Builder c, VolumeMount mount) {
        List<VolumeMount> mounts = c.getVolumeMountsList();
        if (mounts.stream().anyMatch(m -> m.getMountPath().equals(MOUNT_PATH))) {
            return false;
        }
        c.addVolumeMounts(mount);
        return true;
    }

    /** {@value #VOLUME_PREFIX} and 5 characters of kube's alphabet. */
    static String randomName() {
        StringBuilder s = new StringBuilder(VOLUME_PREFIX);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) {
            s.append(ALPHANUMS.charAt(r.nextInt(ALPHANUMS.length())));
        }
        return s.toString();
    }
}
