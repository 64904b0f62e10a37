package io.kubelite.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Services give a pod variables (kube's getServiceEnvVarMap), and their IPv6 spelling. */
class ServiceEnvironmentTest {
    private static Service svc(String ns, String name, String ip, int port) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(ServiceSpec.newBuilder()
                        .setClusterIp(ip)
                        .addPorts(ServicePort.newBuilder()
                                .setName("https")
                                .setPort(port)
                                .setProtocol("TCP")))
                .build();
    }

    private static final List<Service> ALL = List.of(
            svc("default", "kubernetes", "10.96.0.1", 443),
            svc("default", "web", "10.96.0.2", 80),
            svc("team", "api", "10.96.0.3", 8080),
            svc("team", "none", "None", 1),
            svc("team", "noip", "", 1));

    @Test
    void theMasterServiceAlwaysOwnNamespaceWithServiceLinks() {
        Map<String, String> team = ServiceEnvironment.forPod(ALL, "team", true);
        assertThat(team)
                .containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "443")
                .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
                .containsEntry("KUBERNETES_PORT", "tcp://10.96.0.1:443")
                .containsEntry("API_SERVICE_HOST", "10.96.0.3")
                .doesNotContainKeys("WEB_SERVICE_HOST", "NONE_SERVICE_HOST", "NOIP_SERVICE_HOST");
        assertThat(ServiceEnvironment.forPod(ALL, "team", false).keySet())
                .allMatch(k -> k.startsWith("KUBERNETES_"))
                .contains("KUBERNETES_SERVICE_HOST");
    }

    @Test
    void aServiceNamedKubernetesInThePodsNamespaceWins() {
        List<Service> both =
                List.of(svc("default", "kubernetes", "10.96.0.1", 443), svc("team", "kubernetes", "10.96.0.9", 443));
        assertThat(ServiceEnvironment.forPod(both, "team", true)).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.9");
        assertThat(ServiceEnvironment.forPod(both, "team", false))
                .containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    }

    @Test
    void ipv6AddressesAreBracketedInLinks() {
        assertThat(ServiceEnvironment.forPod(List.of(svc("x", "v6", "fd00::1", 80)), "x", true))
                .containsEntry("V6_PORT", "tcp://[fd00::1]:80")
                .containsEntry("V6_PORT_80_TCP_ADDR", "fd00::1");
    }
}
