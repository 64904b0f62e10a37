package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The log store's Service. */
class LogStoreAddonTest {
    @Test
    void theServiceSelectsTheLogStorePodOnItsNamedHttpPort() throws Exception {
        JsonNode svc = new ObjectMapper().readTree(LogStoreAddon.service());
        assertThat(svc.at("/metadata/namespace").asText()).isEqualTo("kube-system");
        assertThat(svc.at("/metadata/name").asText()).isEqualTo("log-store");
        assertThat(svc.at("/spec/selector").toString()).isEqualTo("{\"k8s-app\":\"log-store\"}");
        assertThat(svc.at("/spec/ports").toString())
                .isEqualTo("[{\"name\":\"http\",\"port\":3100,\"protocol\":\"TCP\",\"targetPort\":\"http\"}]");
    }
}
