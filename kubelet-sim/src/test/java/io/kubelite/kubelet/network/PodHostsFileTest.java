package io.kubelite.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.HostAlias;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet-managed /etc/hosts, against kubelet_pods_test.go's TestManagedHostsFileContent. */
class PodHostsFileTest {
    private static final String LOCAL = "# Kubernetes-managed hosts file.\n"
            + "127.0.0.1\tlocalhost\n"
            + "::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\n"
            + "fe00::0\tip6-mcastprefix\n"
            + "fe00::1\tip6-allnodes\n"
            + "fe00::2\tip6-allrouters\n";

    private static Pod pod(PodSpec.Builder spec) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web-0").setNamespace("shop"))
                .setSpec(spec)
                .build();
    }

    @Test
    void podIpWithItsName() {
        assertThat(PodHostsFile.forPod(pod(PodSpec.newBuilder()), "10.244.0.5", "cluster.local", "n", "127.0.0.1"))
                .isEqualTo(LOCAL + "10.244.0.5\tweb-0\n");
    }

    @Test
    void subdomainAddsTheFqdnFirst() {
        PodSpec.Builder spec = PodSpec.newBuilder().setHostname("db").setSubdomain("peers");
        assertThat(PodHostsFile.forPod(pod(spec), "10.244.0.5", "cluster.local", "n", "127.0.0.1"))
                .isEqualTo(LOCAL + "10.244.0.5\tdb.peers.shop.svc.cluster.local\tdb\n");
    }

    @Test
    void hostAliasesComeInTheirOwnBlock() {
        PodSpec.Builder spec = PodSpec.newBuilder()
                .addHostAliases(HostAlias.newBuilder()
                        .setIp("123.45.67.89")
                        .addHostnames("foo")
                        .addHostnames("bar"))
                .addHostAliases(HostAlias.newBuilder().setIp("12.34.56.78").addHostnames("baz"));
        assertThat(PodHostsFile.forPod(pod(spec), "10.244.0.5", "cluster.local", "n", "127.0.0.1"))
                .isEqualTo(LOCAL
                        + "10.244.0.5\tweb-0\n"
                        + "\n# Entries added by HostAliases.\n"
                        + "123.45.67.89\tfoo\tbar\n"
                        + "12.34.56.78\tbaz\n");
    }

    @Test
    void hostNetworkGetsTheNodesFileWithItsAliases() {
        PodSpec.Builder spec = PodSpec.newBuilder()
                .setHostNetwork(true)
                .addHostAliases(HostAlias.newBuilder().setIp("1.2.3.4").addHostnames("a"));
        assertThat(PodHostsFile.forPod(pod(spec), "10.0.0.9", "cluster.local", "node-1", "10.0.0.9"))
                .isEqualTo("127.0.0.1\tlocalhost\n"
                        + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                        + "10.0.0.9\tnode-1\n"
                        + "\n# Entries added by HostAliases.\n"
                        + "1.2.3.4\ta\n");
    }

    @Test
    void longPodNamesAreCutTo63WithoutATrailingDash() {
        String name = "a".repeat(62) + "-b";
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("x"))
                .build();
        assertThat(PodHostsFile.hostname(p)).isEqualTo("a".repeat(62));
    }

    @Test
    void theFileMadeOnReadIsTheWrittenOne() {
        List<PodSpec.Builder> specs = List.of(
                PodSpec.newBuilder(),
                PodSpec.newBuilder().setHostname("db").setSubdomain("peers"),
                PodSpec.newBuilder().setHostNetwork(true),
                PodSpec.newBuilder()
                        .addHostAliases(HostAlias.newBuilder().setIp("1.2.3.4").addHostnames("foo")));
        for (PodSpec.Builder spec : specs) {
            for (String ip : List.of("10.244.0.5", "")) {
                String written = PodHostsFile.forPod(pod(spec), ip, "cluster.local", "node-1", "10.0.0.9");
                var made = PodHostsFile.generated(pod(spec), ip, "cluster.local", "node-1", "10.0.0.9");
                assertThat(new String(made.bytes(), StandardCharsets.UTF_8))
                        .as("spec %s, ip '%s'", spec, ip)
                        .isEqualTo(written);
                assertThat(made.bytes()).as("made again").isEqualTo(made.bytes());
            }
        }
    }
}
