package io.kubelite.logstore;

import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.logstore.ingest.IngestValidator;
import io.kubelite.logstore.ingest.StreamBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds ingest requests for tests: one container instance's lines with given sequences. */
final class Batches {
    static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");

    private Batches() {}

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Stream of pod {@code pod} (uid {@code pod}-uid) in {@code ns}, container {@code c}, app label {@code app}. */
    static IngestRequest.Stream stream(
            String ns, String pod, String c, String app, String stream, List<IngestRequest.Line> lines) {
        return new IngestRequest.Stream(
                ns,
                pod,
                pod + "-uid",
                c,
                "node-1",
                0,
                stream,
                Map.of("app", app, "app.kubernetes.io/part-of", "shop"),
                lines);
    }

    /** Lines {@code from..to} (inclusive): line i at T0 + i ms, text "line i <suffix>". */
    static List<IngestRequest.Line> lines(long from, long to, String suffix) {
        List<IngestRequest.Line> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(new IngestRequest.Line(Long.toString(nanos(T0) + i * 1_000_000L), i, "line " + i + " " + suffix));
        }
        return out;
    }

    static List<StreamBatch> valid(IngestRequest.Stream... streams) {
        return new IngestValidator().validate(new IngestRequest(List.of(streams)));
    }
}
