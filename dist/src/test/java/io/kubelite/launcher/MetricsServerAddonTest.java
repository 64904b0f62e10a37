package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** metrics-server's Service and APIService as its components.yaml has them. */
class MetricsServerAddonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theServiceSelectsTheMetricsServerPodOnItsNamedHttpsPort() throws Exception {
        JsonNode svc = JSON.readTree(MetricsServerAddon.service());
        assertThat(svc.at("/metadata/namespace").asText()).isEqualTo("kube-system");
        assertThat(svc.at("/metadata/name").asText()).isEqualTo("metrics-server");
        assertThat(svc.at("/spec/selector").toString()).isEqualTo("{\"k8s-app\":\"metrics-server\"}");
        assertThat(svc.at("/spec/ports").toString())
                .isEqualTo("[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":\"https\"}]");
    }

    @Test
    void theApiServiceRegistersMetricsK8sIoV1beta1OnTheService() throws Exception {
        JsonNode a = JSON.readTree(MetricsServerAddon.apiService());
        assertThat(a.at("/apiVersion").asText()).isEqualTo("apiregistration.k8s.io/v1");
        assertThat(a.at("/metadata/name").asText()).isEqualTo("v1beta1.metrics.k8s.io");
        assertThat(a.at("/spec").toString())
                .isEqualTo("{\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\",\"groupPriorityMinimum\":100,"
                        + "\"versionPriority\":100,\"insecureSkipTLSVerify\":true,"
                        + "\"service\":{\"namespace\":\"kube-system\",\"name\":\"metrics-server\",\"port\":443}}");
    }
}
