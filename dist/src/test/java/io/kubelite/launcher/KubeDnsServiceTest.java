package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The kube-dns Service's configuration and kubeadm's choice of its IP. */
class KubeDnsServiceTest {
    @Test
    void theDnsIpIsTheServiceRangesTenthAddressAsKubeadmPicksIt() {
        assertThat(KubeDnsService.ipFor("10.96.0.0/12")).isEqualTo("10.96.0.10");
        assertThat(KubeDnsService.ipFor("172.20.0.0/16")).isEqualTo("172.20.0.10");
        // the network address, not the written one, is the base
        assertThat(KubeDnsService.ipFor("10.100.7.9/16")).isEqualTo("10.100.0.10");
        assertThat(KubeDnsService.ipFor("10.0.0.240/28")).isEqualTo("10.0.0.250");
        assertThatThrownBy(() -> KubeDnsService.ipFor("10.0.0.0/29")).hasMessageContaining("at least 16 addresses");
        assertThatThrownBy(() -> KubeDnsService.ipFor("fd00::/108")).hasMessageContaining("IPv4 CIDR");
        assertThatThrownBy(() -> KubeDnsService.ipFor("10.0.0.300/16")).hasMessageContaining("bad address");
    }

    @Test
    void theManifestIsKubeadmsCoreDnsServiceWithNamedTargetPorts() throws Exception {
        JsonNode svc = new ObjectMapper().readTree(KubeDnsService.manifest("10.96.0.10"));
        assertThat(svc.at("/metadata/namespace").asText()).isEqualTo("kube-system");
        assertThat(svc.at("/metadata/name").asText()).isEqualTo("kube-dns");
        assertThat(svc.at("/metadata/labels").toString())
                .isEqualTo("{\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\","
                        + "\"kubernetes.io/name\":\"CoreDNS\"}");
        assertThat(svc.at("/metadata/annotations").toString())
                .isEqualTo("{\"prometheus.io/port\":\"9153\",\"prometheus.io/scrape\":\"true\"}");
        assertThat(svc.at("/spec/clusterIP").asText()).isEqualTo("10.96.0.10");
        assertThat(svc.at("/spec/selector").toString()).isEqualTo("{\"k8s-app\":\"kube-dns\"}");
        assertThat(svc.at("/spec/ports").toString())
                .isEqualTo("[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":\"dns\"},"
                        + "{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":\"dns-tcp\"},"
                        + "{\"name\":\"metrics\",\"port\":9153,\"protocol\":\"TCP\",\"targetPort\":\"metrics\"}]");
    }
}
