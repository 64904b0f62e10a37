package io.kubelite.kubelet.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spool records to an ingest body: grouping, metadata, replays and torn records. */
class IngestBodyTest {
    final ObjectMapper json = new ObjectMapper();

    byte[] rec(String container, int restartCount, long seq) throws Exception {
        return json.writeValueAsBytes(new SpoolRecord(
                "shop",
                "web-0",
                "uid-1",
                container,
                "node-1",
                restartCount,
                Map.of("app", "web"),
                "stdout",
                1_764_918_000_123_000_000L + seq,
                seq,
                "line " + seq));
    }

    @Test
    void groupsByInstanceAndSkipsReplayedSeqsAndTornRecords() throws Exception {
        List<byte[]> records = new ArrayList<>();
        records.add(rec("web", 0, 0));
        records.add(rec("web", 0, 1));
        records.add(rec("sidecar", 0, 0));
        records.add("{\"ns\":\"sh".getBytes(StandardCharsets.UTF_8)); // torn by a crash mid-write
        records.add(rec("web", 0, 0)); // the replayed program, after a kubelet-sim restart
        records.add(rec("web", 0, 2));
        records.add(rec("web", 1, 0)); // the restarted container: a new instance

        IngestBody body = IngestBody.of(records, json);

        assertThat(body.lines()).isEqualTo(5);
        assertThat(body.unreadable()).isEqualTo(1);
        JsonNode streams = json.readTree(body.payload()).get("streams");
        assertThat(streams).hasSize(3);
        JsonNode web = streams.get(0);
        assertThat(web.get("container").asText()).isEqualTo("web");
        assertThat(web.get("podUID").asText()).isEqualTo("uid-1");
        assertThat(web.get("node").asText()).isEqualTo("node-1");
        assertThat(web.get("podLabels").toString()).isEqualTo("{\"app\":\"web\"}");
        assertThat(web.get("lines").findValuesAsText("seq")).containsExactly("0", "1", "2");
        assertThat(web.at("/lines/0/ts").isTextual()).as("ts as a string").isTrue();
        assertThat(web.at("/lines/0/ts").asText()).isEqualTo("1764918000123000000");
        assertThat(streams.get(2).get("restartCount").asInt()).isEqualTo(1);
    }
}
