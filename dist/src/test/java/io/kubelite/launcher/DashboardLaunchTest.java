package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code up} starts the dashboard: a fresh secret login code, the link it prints, the Service. */
class DashboardLaunchTest {
    @TempDir
    Path dir;

    @Test
    void eachPlanWritesAFreshOwnerOnlyCodeThatTheLinkCarries() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir);
        DashboardLaunch first = DashboardLaunch.plan(layout, 9090);
        String code = Files.readString(layout.dashboardLoginCode()).trim();
        assertThat(code).hasSize(32).matches("[0-9a-f]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.dashboardLoginCode())))
                .isEqualTo("rw-------");
        assertThat(first.loginUrl()).isEqualTo("http://127.0.0.1:9090/?login=" + code);
        assertThat(first.args())
                .containsSequence(
                        "--login-code-file", layout.dashboardLoginCode().toString())
                .containsSequence("--kubeconfig", layout.kubeconfig().toString())
                .containsSequence("--port", "9090");
        assertThat(first.endpoint()).isEqualTo("http 127.0.0.1:9090");

        DashboardLaunch second = DashboardLaunch.plan(layout, 41000);
        assertThat(second.loginUrl())
                .startsWith("http://127.0.0.1:41000/?login=")
                .isNotEqualTo(first.loginUrl());
    }

    @Test
    void theServiceSelectsTheDashboardPodOnItsNamedHttpPort() throws Exception {
        JsonNode svc = new ObjectMapper().readTree(DashboardAddon.service());
        assertThat(svc.at("/metadata/namespace").asText()).isEqualTo("kube-system");
        assertThat(svc.at("/metadata/name").asText()).isEqualTo("kubelite-dashboard");
        assertThat(svc.at("/spec/selector").toString()).isEqualTo("{\"k8s-app\":\"kubelite-dashboard\"}");
        assertThat(svc.at("/spec/ports").toString())
                .isEqualTo("[{\"name\":\"http\",\"port\":9090,\"protocol\":\"TCP\",\"targetPort\":\"http\"}]");
    }
}
