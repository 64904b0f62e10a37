package io.kubelite.logstore;

import static io.kubelite.logstore.Batches.T0;
import static io.kubelite.logstore.Batches.lines;
import static io.kubelite.logstore.Batches.nanos;
import static io.kubelite.logstore.Batches.stream;
import static io.kubelite.logstore.Batches.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.logstore.index.LogEntry;
import io.kubelite.logstore.ingest.IngestRequest;
import io.kubelite.logstore.ingest.IngestResponse;
import io.kubelite.logstore.logql.LogQlParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real data directory: exactly-once ingest, query semantics, retention, reopening. */
class LogStoreTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(10)));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<LogStore> open = new ArrayList<>();

    LogStore store(Duration retention, long retentionBytes) throws Exception {
        LogStore s =
                new LogStore(new LogStoreConfig(dir, Duration.ofHours(1), retention, retentionBytes), clock, registry);
        s.start();
        open.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        open.forEach(LogStore::close);
    }

    static IngestResponse ingest(LogStore s, IngestRequest.Stream... streams) throws Exception {
        return s.ingest(valid(streams)).get(30, TimeUnit.SECONDS);
    }

    static List<String> query(LogStore s, String q, int limit, boolean forward) throws Exception {
        return s
                .select(new LogQlParser().parse(q), nanos(T0), nanos(T0.plus(Duration.ofDays(1))), limit, forward)
                .stream()
                .map(LogEntry::line)
                .toList();
    }

    @Test
    void sameBatchTwiceIsStoredOnce() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        IngestRequest.Stream web = stream("shop", "web-0", "web", "web", "stdout", lines(1, 5, "a"));
        IngestResponse first = ingest(s, web);
        IngestResponse again = ingest(s, web);

        assertThat(first.streams().get(0))
                .extracting("storedSeq", "accepted", "duplicates")
                .containsExactly(5L, 5, 0);
        assertThat(again.streams().get(0))
                .extracting("storedSeq", "accepted", "duplicates")
                .containsExactly(5L, 0, 5);
        assertThat(query(s, "{app=\"web\"}", 100, true)).hasSize(5);
    }

    @Test
    void overlappingBatchesStoreEachLineOnce() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        ingest(s, stream("shop", "web-0", "web", "web", "stdout", lines(1, 6, "a")));
        IngestResponse r = ingest(s, stream("shop", "web-0", "web", "web", "stdout", lines(4, 10, "a")));

        assertThat(r.streams().get(0))
                .extracting("storedSeq", "accepted", "duplicates")
                .containsExactly(10L, 4, 3);
        assertThat(query(s, "{app=\"web\"}", 100, true))
                .containsExactly(
                        lines(1, 10, "a").stream().map(IngestRequest.Line::line).toArray(String[]::new));
        // stdout and stderr are deduplicated apart: the same seq on stderr is a new line
        IngestResponse err = ingest(s, stream("shop", "web-0", "web", "web", "stderr", lines(1, 2, "e")));
        assertThat(err.streams().get(0).accepted()).isEqualTo(2);
        // a restarted container is a new instance: its sequence starts again
        IngestRequest.Stream restarted = new IngestRequest.Stream(
                "shop",
                "web-0",
                "web-0-uid",
                "web",
                "node-1",
                1,
                "stdout",
                java.util.Map.of("app", "web"),
                lines(1, 2, "r"));
        assertThat(ingest(s, restarted).streams().get(0).accepted()).isEqualTo(2);
    }

    @Test
    void concurrentAgentsAreGroupCommittedAndEachAcknowledgedForItsOwnStreams() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        int agents = 4;
        int batches = 15;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int a = 0; a < agents; a++) {
            String pod = "web-" + a;
            Thread t = new Thread(() -> {
                try {
                    for (int b = 0; b < batches; b++) {
                        IngestResponse r = ingest(
                                s, stream("shop", pod, "web", "web", "stdout", lines(b * 10L + 1, b * 10L + 10, pod)));
                        IngestResponse.StreamAck ack = r.streams().get(0);
                        if (!ack.podUID().equals(pod + "-uid")
                                || ack.storedSeq() != b * 10L + 10
                                || ack.accepted() != 10) {
                            throw new AssertionError("batch " + b + " of " + pod + " acknowledged as " + ack);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failures).isEmpty();
        for (int a = 0; a < agents; a++) {
            assertThat(query(s, "{pod=\"web-" + a + "\"}", 1000, true)).hasSize(batches * 10);
        }
    }

    @Test
    void selectorsAndFilters() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        ingest(
                s,
                stream("shop", "web-0", "web", "web", "stdout", List.of(line(1, "GET /cart 200 took 3ms"))),
                stream("shop", "web-1", "sidecar", "web", "stdout", List.of(line(2, "proxy: upstream timeout"))),
                stream("shop", "api-0", "api", "api", "stderr", List.of(line(3, "ERROR connection refused"))),
                stream("bank", "web-0", "web", "web", "stdout", List.of(line(4, "GET /balance 500 error"))));

        assertThat(query(s, "{namespace=\"shop\"}", 100, true)).hasSize(3);
        assertThat(query(s, "{app=\"web\", container!=\"sidecar\"}", 100, true))
                .containsExactly("GET /cart 200 took 3ms", "GET /balance 500 error");
        assertThat(query(s, "{pod=~\"web-.*\"}", 100, true)).hasSize(3);
        assertThat(query(s, "{pod=~\"web\"}", 100, true))
                .as("label regexes are anchored")
                .isEmpty();
        assertThat(query(s, "{namespace=\"shop\", app!~\"web|x\"}", 100, true))
                .containsExactly("ERROR connection refused");
        assertThat(query(s, "{app_kubernetes_io_part_of=\"shop\"}", 100, true)).hasSize(4);
        assertThat(query(s, "{namespace=~\".+\"} |= \"GET\"", 100, true)).hasSize(2);
        assertThat(query(s, "{namespace=~\".+\"} |= \"ook\"", 100, true))
                .as("|= is a substring test, not a word test")
                .containsExactly("GET /cart 200 took 3ms");
        assertThat(query(s, "{namespace=~\".+\"} |= \"error\"", 100, true))
                .as("|= is case-sensitive")
                .containsExactly("GET /balance 500 error");
        assertThat(query(s, "{namespace=~\".+\"} != \"GET\"", 100, true)).hasSize(2);
        assertThat(query(s, "{namespace=~\".+\"} |~ \"(?i)error\"", 100, true)).hasSize(2);
        assertThat(query(s, "{namespace=~\".+\"} !~ \"[0-9]{3}\" |= \"refused\"", 100, true))
                .containsExactly("ERROR connection refused");
        assertThat(query(s, "{namespace=~\".+\"} |= \"GET /\" != \"500\"", 100, true))
                .containsExactly("GET /cart 200 took 3ms");
    }

    @Test
    void substringFiltersFindWordsInsideLongRunsAndAnyCase() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        String blob = "A".repeat(250) + "needleZ" + "B".repeat(40); // one run, cut by the analyzer inside "needleZ"
        ingest(
                s,
                stream(
                        "shop",
                        "web-0",
                        "web",
                        "web",
                        "stdout",
                        List.of(line(1, "payload=" + blob + " end"), line(2, "İstanbul office"))));

        assertThat(query(s, "{app=\"web\"} |= \"needleZ\"", 100, true)).hasSize(1);
        assertThat(query(s, "{app=\"web\"} |= \"edleZBB\"", 100, true)).hasSize(1);
        assertThat(query(s, "{app=\"web\"} |= \"BBB end\"", 100, true)).hasSize(1);
        assertThat(query(s, "{app=\"web\"} |= \"İstanbul o\"", 100, true)).hasSize(1);
    }

    @Test
    void directionLimitAndTimeRange() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        ingest(s, stream("shop", "web-0", "web", "web", "stdout", lines(1, 20, "x")));

        assertThat(query(s, "{app=\"web\"}", 3, true)).containsExactly("line 1 x", "line 2 x", "line 3 x");
        assertThat(query(s, "{app=\"web\"}", 3, false)).containsExactly("line 20 x", "line 19 x", "line 18 x");
        // [start, end): line 5 is at T0+5ms, line 8 at T0+8ms and excluded
        List<String> range = s
                .select(
                        new LogQlParser().parse("{app=\"web\"}"),
                        nanos(T0.plusMillis(5)),
                        nanos(T0.plusMillis(8)),
                        100,
                        true)
                .stream()
                .map(LogEntry::line)
                .toList();
        assertThat(range).containsExactly("line 5 x", "line 6 x", "line 7 x");
    }

    @Test
    void queriesSpanPartitionsInOrder() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        List<IngestRequest.Line> spread = List.of(
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(30)))), 1L, "a"),
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(90)))), 2L, "b"),
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(150)))), 3L, "c"));
        ingest(s, stream("shop", "web-0", "web", "web", "stdout", spread));

        assertThat(s.partitions()).hasSize(3);
        assertThat(query(s, "{app=\"web\"}", 100, true)).containsExactly("a", "b", "c");
        assertThat(query(s, "{app=\"web\"}", 2, false)).containsExactly("c", "b");
    }

    @Test
    void retentionByAgeDropsWholeOldPartitions() throws Exception {
        LogStore s = store(Duration.ofHours(2), 0);
        List<IngestRequest.Line> spread = List.of(
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(10)))), 1L, "hour0"),
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(70)))), 2L, "hour1"),
                new IngestRequest.Line(Long.toString(nanos(T0.plus(Duration.ofMinutes(130)))), 3L, "hour2"));
        ingest(s, stream("shop", "web-0", "web", "web", "stdout", spread));
        assertThat(s.enforceRetention().get(30, TimeUnit.SECONDS)).isEmpty();

        clock.advance(Duration.ofMinutes(170)); // now T0+3h: hour 0 ended 3h ago, hour 1 ended 1h ago
        assertThat(s.enforceRetention().get(30, TimeUnit.SECONDS)).containsExactly("20261205T070000Z-PT1H");
        assertThat(query(s, "{app=\"web\"}", 100, true)).containsExactly("hour1", "hour2");
        assertThat(dir.resolve("20261205T070000Z-PT1H")).doesNotExist();

        // a line older than the retention is acknowledged, not stored
        IngestResponse old = ingest(
                s,
                stream(
                        "shop",
                        "web-0",
                        "web",
                        "web",
                        "stdout",
                        List.of(new IngestRequest.Line(Long.toString(nanos(T0)), 4L, "ancient"))));
        assertThat(old.streams().get(0).tooOld()).isEqualTo(1);
        assertThat(query(s, "{app=\"web\"}", 100, true)).containsExactly("hour1", "hour2");
    }

    @Test
    void retentionBySizeDropsOldestPartitionsFirst() throws Exception {
        LogStore s = store(Duration.ZERO, 1);
        for (int h = 0; h < 3; h++) {
            List<IngestRequest.Line> ls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ls.add(new IngestRequest.Line(
                        Long.toString(nanos(T0.plus(Duration.ofHours(h)).plusMillis(i))), h * 100L + i, "h" + h));
            }
            ingest(s, stream("shop", "web-0", "web", "web", "stdout", ls));
        }
        long sizeOfAll = s.sizeBytes();
        assertThat(s.partitions()).hasSize(3);
        // budget 1 byte: everything but the newest partition goes
        assertThat(s.enforceRetention().get(30, TimeUnit.SECONDS))
                .containsExactly("20261205T070000Z-PT1H", "20261205T080000Z-PT1H");
        assertThat(query(s, "{app=\"web\"}", 1000, true)).hasSize(50).allMatch(l -> l.equals("h2"));
        assertThat(s.sizeBytes()).isLessThan(sizeOfAll);
    }

    @Test
    void reopeningKeepsEveryCommittedLineAndTheDedupState() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        ingest(s, stream("shop", "web-0", "web", "web", "stdout", lines(1, 10, "a")));
        s.close();

        LogStore reopened = store(Duration.ZERO, 0);
        assertThat(query(reopened, "{app=\"web\"}", 100, true)).hasSize(10);
        assertThat(reopened.series(
                        List.of(new LogQlParser().parse("{namespace=\"shop\"}")),
                        nanos(T0),
                        nanos(T0.plus(Duration.ofHours(1)))))
                .as("the stream states survive reopening too")
                .singleElement()
                .asString()
                .contains("\"pod\":\"web-0\"");
        IngestResponse r = ingest(reopened, stream("shop", "web-0", "web", "web", "stdout", lines(5, 12, "a")));
        assertThat(r.streams().get(0))
                .extracting("storedSeq", "accepted", "duplicates")
                .containsExactly(12L, 2, 6);
        assertThat(query(reopened, "{app=\"web\"}", 100, true)).hasSize(12);
        // a stream without lines asks where to resume
        IngestResponse resume = ingest(reopened, stream("shop", "web-0", "web", "web", "stdout", List.of()));
        assertThat(resume.streams().get(0).storedSeq()).isEqualTo(12L);
        IngestResponse unknown = ingest(reopened, stream("shop", "web-9", "web", "web", "stdout", List.of()));
        assertThat(unknown.streams().get(0).storedSeq()).isEqualTo(-1L);
    }

    private static IngestRequest.Line line(long seq, String text) {
        return new IngestRequest.Line(Long.toString(nanos(T0) + seq), seq, text);
    }

    @Test
    void largeGroupsSpanningChunksAndPartitionsAreStoredWhole() throws Exception {
        LogStore s = store(Duration.ZERO, 0);
        // 3,000 lines 40 ms apart from 07:59 to 08:01: several indexer chunks, two hourly partitions
        List<IngestRequest.Line> many = new ArrayList<>();
        for (long i = 0; i < 3_000; i++) {
            many.add(new IngestRequest.Line(
                    Long.toString(nanos(T0.plus(Duration.ofMinutes(59))) + i * 40_000_000L), i, "line " + i));
        }
        IngestResponse r = ingest(s, stream("shop", "web-0", "web", "web", "stdout", many));

        assertThat(r.streams().get(0)).extracting("storedSeq", "accepted").containsExactly(2999L, 3000);
        assertThat(s.partitions()).hasSize(2);
        List<String> all = query(s, "{app=\"web\"}", 5000, true);
        assertThat(all).hasSize(3000).startsWith("line 0", "line 1").endsWith("line 2999");
    }

    @Test
    void aPartitionWrittenWithFullTextPostingsStillTakesLines() throws Exception {
        // partitions written before the line field dropped frequencies, positions and norms keep them:
        // Lucene refuses to change how an existing field is indexed
        Path legacy = dir.resolve("20261205T070000Z-PT1H");
        try (var d = org.apache.lucene.store.FSDirectory.open(legacy);
                var w = new org.apache.lucene.index.IndexWriter(
                        d,
                        new org.apache.lucene.index.IndexWriterConfig(new io.kubelite.logstore.index.LogAnalyzer()))) {
            var doc = new org.apache.lucene.document.Document();
            doc.add(new org.apache.lucene.document.TextField(
                    "line", "old line", org.apache.lucene.document.Field.Store.YES));
            w.addDocument(doc);
            w.commit();
        }
        LogStore s = store(Duration.ZERO, 0);
        IngestResponse r = ingest(s, stream("shop", "web-0", "web", "web", "stdout", lines(1, 3, "error")));

        assertThat(r.streams().get(0)).extracting("accepted").isEqualTo(3);
        assertThat(query(s, "{app=\"web\"} |= \"error\"", 100, true))
                .containsExactly("line 1 error", "line 2 error", "line 3 error");
    }
}
