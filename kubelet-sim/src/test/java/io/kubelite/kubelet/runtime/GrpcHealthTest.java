package io.kubelite.kubelet.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpcHealthTest {
    @Test
    void statusesOverTimeFromTheAnnotation() {
        GrpcHealth h = GrpcHealth.parse("not_serving@30s, SERVING, UNKNOWN@2m");
        assertThat(h.statusAt(Duration.ZERO)).isEqualTo("SERVING");
        assertThat(h.statusAt(Duration.ofSeconds(30))).isEqualTo("NOT_SERVING");
        assertThat(h.statusAt(Duration.ofMinutes(5))).isEqualTo("UNKNOWN");
        assertThat(GrpcHealth.DEFAULT.statusAt(Duration.ofHours(1))).isEqualTo("SERVING");
    }

    @Test
    void aBadValueIsRefusedAndTheBehaviourKeepsTheDefault() {
        assertThatThrownBy(() -> GrpcHealth.parse("HEALTHY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrpcHealth.parse("SERVING@soon")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Behaviour.of(Map.of("sim.kubelite.io/grpc-status", "HEALTHY"), "app")
                        .grpcHealth())
                .isEqualTo(GrpcHealth.DEFAULT);
        assertThat(Behaviour.of(Map.of("sim.kubelite.io/grpc-status.app", "NOT_SERVING"), "app")
                        .grpcHealth()
                        .statusAt(Duration.ZERO))
                .isEqualTo("NOT_SERVING");
    }

    @Test
    void malformedDurationsInAnyBehaviourAreIgnoredNotThrown() {
        Behaviour b = Behaviour.of(
                Map.of(
                        "sim.kubelite.io/startup-time", "soon",
                        "sim.kubelite.io/http-status", "200,500@later",
                        "sim.kubelite.io/exit", "1@never"),
                "app");
        assertThat(b.startupTime()).isEqualTo(Duration.ZERO);
        assertThat(b.httpStatus()).isEqualTo(Behaviour.DEFAULT.httpStatus());
        assertThat(b.exitCode()).isNull();
    }
}
