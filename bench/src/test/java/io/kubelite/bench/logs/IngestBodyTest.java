package io.kubelite.bench.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.logstore.ingest.IngestValidator;
import io.kubelite.logstore.ingest.StreamBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bodies the simulated agents post pass the log store's own validation, with the lines they claim. */
class IngestBodyTest {
    @Test
    void bodyIsAValidIngestRequestWithEachStreamsNextSequences() throws Exception {
        BenchStream[] streams = BenchStream.ofNode(3, 4, 8, 10);
        streams[1].advance(100);
        byte[] body = new IngestBody(new SyntheticLog(1_000_000)).build(streams, 12, 5, 1_764_918_000_000_000_000L);

        IngestRequest req = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(body, IngestRequest.class);
        List<StreamBatch> batches = new IngestValidator().validate(req);

        assertThat(batches).hasSize(4);
        assertThat(batches.get(0).seqs()).containsExactly(0, 1, 2, 3, 4);
        assertThat(batches.get(1).seqs()).containsExactly(100, 101, 102, 103, 104);
        assertThat(batches.get(1).tsNanos()[0]).isEqualTo(1_764_918_000_000_000_000L);
        assertThat(batches.get(0).labels())
                .containsEntry("node", "bench-node-3")
                .containsEntry("namespace", "ns-" + (12 % 8))
                .containsEntry("app", "app-" + (12 % 10));
        assertThat(batches.get(2).lines()[0])
                .hasSize(SyntheticLog.LINE_LENGTH)
                .isEqualTo(new SyntheticLog(1_000_000).line(IngestBody.lineId(14, 0)));
    }
}
