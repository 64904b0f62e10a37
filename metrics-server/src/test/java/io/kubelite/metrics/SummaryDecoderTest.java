package io.kubelite.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** kube's statsapi.Summary JSON, as a kubelet answers it, decoded as metrics-server's summary decoder did. */
class SummaryDecoderTest {
    private final SummaryDecoder decoder = new SummaryDecoder();

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = SummaryDecoderTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void nodePointIsCumulativeCpuAndWorkingSetAtTheEarlierOfTheTwoTimes() throws Exception {
        MetricsBatch b = decoder.decode("node1", fixture("summary-node1.json"));

        assertThat(b.nodes())
                .containsOnlyKeys("node1")
                .containsEntry(
                        "node1",
                        new MetricsPoint(
                                Instant.EPOCH,
                                Instant.parse("2026-12-05T07:30:01Z"),
                                450_000_000_000L,
                                1_610_612_736L));
    }

    @Test
    void podsAreKeptOnlyWhenEveryContainerHasAUsablePoint() throws Exception {
        MetricsBatch b = decoder.decode("node1", fixture("summary-node1.json"));

        // "starting" has no usageCoreNanoSeconds, "no-mem" one container with a zero working set
        assertThat(b.pods()).containsOnlyKeys(new PodRef("default", "web-1"));
        var web = b.pods().get(new PodRef("default", "web-1"));
        assertThat(web).containsOnlyKeys("app", "sidecar");
        assertThat(web.get("app"))
                .isEqualTo(new MetricsPoint(
                        Instant.parse("2026-12-05T07:10:01Z"),
                        Instant.parse("2026-12-05T07:30:01Z"),
                        6_000_000_000L,
                        16_777_216L));
        // memory's time is earlier than cpu's: the point's time is memory's
        assertThat(web.get("sidecar").timestamp()).isEqualTo(Instant.parse("2026-12-05T07:30:00Z"));
    }

    @Test
    void aNodeWithoutCpuCounterHasNoPointButItsPodsStay() throws Exception {
        String body = "{\"node\":{\"nodeName\":\"n\",\"memory\":{\"time\":\"2026-12-05T07:30:01Z\","
                + "\"workingSetBytes\":5}},\"pods\":[]}";
        MetricsBatch b = decoder.decode("n", body.getBytes(StandardCharsets.UTF_8));
        assertThat(b.nodes()).isEmpty();
        assertThat(b.pods()).isEmpty();
    }

    @Test
    void notASummaryIsAnError() {
        assertThatThrownBy(() -> decoder.decode("n", "[1,2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decoder.decode("n", "null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
