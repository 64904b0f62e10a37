package io.kubelite.kinds.core.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.EphemeralContainer;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ServiceAccount;
import io.kubelite.api.Volume;
import io.kubelite.api.VolumeMount;
import io.kubelite.kinds.core.pod.MirrorPods;
import org.junit.jupiter.api.Test;

/** kube's mountServiceAccountToken rules, on protobuf pods. */
class ServiceAccountTokenVolumeTest {
    private static final VolumeMount MOUNT = VolumeMount.newBuilder()
            .setName("kube-api-access-abcde")
            .setReadOnly(true)
            .setMountPath(ServiceAccountTokenVolume.MOUNT_PATH)
            .build();

    private static Pod pod(PodSpec.Builder spec) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName("p"))
                .setSpec(spec)
                .build();
    }

    private static Pod mount(Pod pod, ServiceAccount sa) {
        return ServiceAccountTokenVolume.mount(pod, sa, () -> "kube-api-access-abcde");
    }

    @Test
    void everyContainerAndInitContainerGetsTheMountAndThePodOneVolume() {
        Pod out = mount(
                pod(PodSpec.newBuilder()
                        .addInitContainers(Container.newBuilder().setName("init"))
                        .addContainers(Container.newBuilder().setName("a"))
                        .addContainers(Container.newBuilder().setName("b"))
                        .addEphemeralContainers(EphemeralContainer.newBuilder().setName("debug"))),
                null);
        assertThat(out.getSpec().getInitContainers(0).getVolumeMountsList()).containsExactly(MOUNT);
        assertThat(out.getSpec().getContainers(0).getVolumeMountsList()).containsExactly(MOUNT);
        assertThat(out.getSpec().getContainers(1).getVolumeMountsList()).containsExactly(MOUNT);
        assertThat(out.getSpec().getEphemeralContainers(0).toString())
                .as("ephemeral containers are not the admission's")
                .doesNotContain("volume");
        assertThat(out.getSpec().getVolumesList())
                .containsExactly(Volume.newBuilder()
                        .setName("kube-api-access-abcde")
                        .setProjected(ServiceAccountTokenVolume.source())
                        .build());
        assertThat(ServiceAccountTokenVolume.source().getDefaultMode()).isEqualTo(420);
        assertThat(ServiceAccountTokenVolume.source()
                        .getSources(0)
                        .getServiceAccountToken()
                        .getExpirationSeconds())
                .isEqualTo(3607);
    }

    @Test
    void thePodsSettingWinsOverTheAccountsWhichWinsOverTheDefault() {
        ServiceAccount quiet = ServiceAccount.newBuilder()
                .setAutomountServiceAccountToken(false)
                .build();
        ServiceAccount loud = ServiceAccount.newBuilder()
                .setAutomountServiceAccountToken(true)
                .build();
        PodSpec.Builder plain =
                PodSpec.newBuilder().addContainers(Container.newBuilder().setName("a"));
        assertThat(mount(pod(plain), quiet)).isEqualTo(pod(plain));
        assertThat(mount(pod(plain.clone().setAutomountServiceAccountToken(false)), loud))
                .isEqualTo(pod(plain.clone().setAutomountServiceAccountToken(false)));
        assertThat(mount(pod(plain.clone().setAutomountServiceAccountToken(true)), quiet)
                        .getSpec()
                        .getVolumesCount())
                .isEqualTo(1);
        assertThat(mount(pod(plain), ServiceAccount.getDefaultInstance())
                        .getSpec()
                        .getVolumesCount())
                .isEqualTo(1);
    }

    @Test
    void anExistingMountAtThePathOrTokenVolumeOrAMirrorPodIsLeftAsItIs() {
        VolumeMount own = VolumeMount.newBuilder()
                .setName("mine")
                .setMountPath(ServiceAccountTokenVolume.MOUNT_PATH)
                .build();
        Pod mounted = pod(PodSpec.newBuilder()
                .addVolumes(Volume.newBuilder().setName("mine"))
                .addContainers(Container.newBuilder().setName("a").addVolumeMounts(own)));
        assertThat(mount(mounted, null)).as("no container needs it: no volume").isEqualTo(mounted);

        Pod half = pod(PodSpec.newBuilder()
                .addVolumes(Volume.newBuilder().setName("mine"))
                .addContainers(Container.newBuilder().setName("a").addVolumeMounts(own))
                .addContainers(Container.newBuilder().setName("b")));
        Pod out = mount(half, null);
        assertThat(out.getSpec().getContainers(0).getVolumeMountsList()).containsExactly(own);
        assertThat(out.getSpec().getContainers(1).getVolumeMountsList()).containsExactly(MOUNT);
        assertThat(out.getSpec().getVolumesCount()).isEqualTo(2);

        Pod existing = pod(PodSpec.newBuilder()
                .addVolumes(Volume.newBuilder()
                        .setName("kube-api-access-zzzzz")
                        .setProjected(ServiceAccountTokenVolume.source()))
                .addContainers(Container.newBuilder().setName("a")));
        Pod kept = ServiceAccountTokenVolume.mount(existing, null, () -> {
            throw new AssertionError("no new name wanted");
        });
        assertThat(kept.getSpec().getVolumesList()).isEqualTo(existing.getSpec().getVolumesList());
        assertThat(kept.getSpec().getContainers(0).getVolumeMounts(0).getName()).isEqualTo("kube-api-access-zzzzz");

        Pod mirror = pod(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("a")))
                .toBuilder()
                .setMetadata(ObjectMeta.newBuilder().putAnnotations(MirrorPods.CONFIG_MIRROR, "hash"))
                .build();
        assertThat(mount(mirror, null)).isEqualTo(mirror);
    }

    @Test
    void randomNamesUseKubesAlphabet() {
        for (int i = 0; i < 100; i++) {
            assertThat(ServiceAccountTokenVolume.randomName())
                    .matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        }
    }
}
