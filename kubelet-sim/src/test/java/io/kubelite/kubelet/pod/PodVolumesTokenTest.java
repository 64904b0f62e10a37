package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.kubelite.api.ConfigMap;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceAccount;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountTokenVolume;
import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.DownwardApi;
import io.kubelite.kubelet.config.ProjectedTokens;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The node serves the admission's {@code kube-api-access-*} volume when the pod has one, its
 * {@code ca.crt} from {@code kube-root-ca.crt} when that ConfigMap exists; a pod written without
 * the admission gets no token, as on a kubelet.
 */
class PodVolumesTokenTest {
    private static final String SA = ServiceAccountTokenVolume.MOUNT_PATH;

    /** Objects holding {@code kube-root-ca.crt} in {@code ns} when {@code ca} is not null. */
    private static ConfigObjects objects(String ca) {
        return new ConfigObjects() {
            @Override
            public Optional<ConfigMap> configMap(String namespace, String name) {
                if (ca == null || !namespace.equals("ns") || !name.equals("kube-root-ca.crt")) {
                    return Optional.empty();
                }
                return Optional.of(ConfigMap.newBuilder().putData("ca.crt", ca).build());
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

    private static Pod pod() {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName("p"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("app")))
                .build();
    }

    /** The files the container sees at the token path, after a sync; {@code volumes} is kept for looks. */
    private static List<String> seen(Pod pod, PodVolumes volumes) {
        assertThat(volumes.sync(pod, new DownwardApi(pod, "10.0.0.2", "10.0.0.1", Map.of())))
                .as("FailedMount messages")
                .isEmpty();
        SimulatedFilesystem fs = SimulatedFilesystem.empty();
        volumes.mountInto(pod.getSpec().getContainers(0), Map.of(), fs);
        return fs.list(SA);
    }

    private static PodVolumes volumes(Pod pod, ConfigObjects objects) {
        return new PodVolumes(pod, SimulatedFilesystem.empty(), objects, ProjectedTokens.UNSIGNED);
    }

    @Test
    void theAdmissionsVolumeIsServedWithTheRootCa() {
        Pod admitted = ServiceAccountTokenVolume.mount(pod(), null, () -> "kube-api-access-abcde");
        PodVolumes volumes = volumes(admitted, objects("PEM"));
        assertThat(seen(admitted, volumes)).containsExactly("ca.crt", "namespace", "token");
        assertThat(volumes.usedBytes("kube-api-access-abcde")).isPositive();
    }

    @Test
    void withoutTheRootCaConfigMapThePodStillStartsWithoutCaCrt() {
        Pod admitted = ServiceAccountTokenVolume.mount(pod(), null, () -> "kube-api-access-abcde");
        assertThat(seen(admitted, volumes(admitted, objects(null)))).containsExactly("namespace", "token");
    }

    @Test
    void aSignedTokenStaysTheSameAcrossSyncs() throws Exception {
        ProjectedTokens signed =
                new ProjectedTokens(TestServiceAccountKeys.generate().signer());
        Pod admitted = ServiceAccountTokenVolume.mount(pod(), null, () -> "kube-api-access-abcde");
        PodVolumes volumes = new PodVolumes(admitted, SimulatedFilesystem.empty(), objects("PEM"), signed);
        String token = tokenAfterSync(admitted, volumes);
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime())
                .as("a signed token")
                .isNotNull();
        assertThat(tokenAfterSync(admitted, volumes)).as("after the next sync").isEqualTo(token);
    }

    private static String tokenAfterSync(Pod pod, PodVolumes volumes) {
        assertThat(seen(pod, volumes)).contains("token");
        SimulatedFilesystem fs = SimulatedFilesystem.empty();
        volumes.mountInto(pod.getSpec().getContainers(0), Map.of(), fs);
        return fs.read(SA + "/token");
    }

    @Test
    void aPodWithoutTheAdmissionGetsNoToken() {
        assertThat(seen(pod(), volumes(pod(), objects("PEM"))))
                .as("nothing at the token path")
                .isNull();
    }
}
