package io.kubelite.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.controllers.ControllerOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zone states from Ready statuses, and zone keys from labels, as Kubernetes computes them. */
class ZoneDisruptionTest {
    private final ZoneDisruption zones = new ZoneDisruption(new ControllerOptions(), null, null);

    @Test
    void zoneStatesFollowTheShareOfNodesNotReady() {
        assertThat(zones.computeZoneState(List.of("True"))).isEqualTo(ZoneState.NORMAL);
        assertThat(zones.computeZoneState(List.of("Unknown", "False")))
                .as("no Ready node")
                .isEqualTo(ZoneState.FULL_DISRUPTION);
        assertThat(zones.computeZoneState(List.of("True", "False", "False")))
                .as("two not Ready are never a partial disruption")
                .isEqualTo(ZoneState.NORMAL);
        assertThat(zones.computeZoneState(List.of("True", "False", "Unknown", "False")))
                .as("3 of 4 not Ready, over the 0.55 threshold")
                .isEqualTo(ZoneState.PARTIAL_DISRUPTION);
        assertThat(zones.computeZoneState(List.of("True", "True", "True", "False", "Unknown", "False", "True")))
                .as("3 of 7 not Ready, under the threshold")
                .isEqualTo(ZoneState.NORMAL);
    }

    @Test
    void zoneKeysComeFromTopologyLabelsOrTheLegacyOnes() {
        assertThat(ZoneDisruption.zoneKey(node(Map.of()))).isEmpty();
        assertThat(ZoneDisruption.zoneKey(
                        node(Map.of("topology.kubernetes.io/region", "r1", "topology.kubernetes.io/zone", "a"))))
                .isEqualTo(ZoneDisruption.zoneKey("r1", "a"));
        assertThat(ZoneDisruption.zoneKey(node(Map.of("failure-domain.beta.kubernetes.io/zone", "b"))))
                .isEqualTo(ZoneDisruption.zoneKey("", "b"));
        assertThat(ZoneDisruption.zoneKey("r1", "a")).isNotEqualTo(ZoneDisruption.zoneKey("r1", "b"));
    }

    private static Node node(Map<String, String> labels) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("n").putAllLabels(labels))
                .build();
    }
}
