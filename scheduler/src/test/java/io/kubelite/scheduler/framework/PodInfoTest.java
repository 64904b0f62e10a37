package io.kubelite.scheduler.framework;

import static io.kubelite.scheduler.NodeAndPodBuilders.boundTo;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod's requests as the scheduler accounts them, when the pod comes back in a newer version. */
class PodInfoTest {
    @Test
    void aNewerVersionKeepsTheRequestsOnlyWhileItsContainersAreTheSame() throws Exception {
        Pod queued = pod("web", Map.of("app", "web"), "250m").build();
        PodInfo assumed = new PodInfo(queued);
        assertThat(assumed.request().milliCpu).isEqualTo(250);

        // as the bind writes it: the queued pod with a node name
        Pod bound = boundTo(queued.toBuilder(), "n1").build();
        PodInfo confirmed = PodInfo.updated(assumed, bound);
        assertThat(confirmed.pod()).isSameAs(bound);
        assertThat(confirmed.key()).isEqualTo("default/web");
        assertThat(confirmed.request().milliCpu).isEqualTo(250);
        assertThat(confirmed.nonZeroRequest().memory).isEqualTo(PodInfo.DEFAULT_MEMORY_REQUEST);

        // the same pod decoded anew (equal, not the same lists) or resized: parsed again
        Pod decoded = Pod.parseFrom(bound.toByteArray());
        assertThat(PodInfo.updated(confirmed, decoded).request().milliCpu).isEqualTo(250);
        Pod resized = pod("web", Map.of("app", "web"), "1").build();
        assertThat(PodInfo.updated(confirmed, resized).request().milliCpu).isEqualTo(1000);
        assertThat(PodInfo.updated(null, resized).request().milliCpu).isEqualTo(1000);
    }
}
