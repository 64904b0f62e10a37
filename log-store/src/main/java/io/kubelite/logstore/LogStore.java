package io.kubelite.logstore;

import io.kubelite.logstore.index.IndexedLine;
import io.kubelite.logstore.index.LogEntry;
import io.kubelite.logstore.index.LogIndex;
import io.kubelite.logstore.index.StreamOutcome;
import io.kubelite.logstore.ingest.IngestResponse;
import io.kubelite.logstore.ingest.StreamBatch;
import io.kubelite.logstore.logql.LogQuery;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log store: ingests validated batches with exactly-once storage, answers queries, feeds
 * live tails and enforces retention, over one {@link LogIndex}.
 *
 * <p><b>Durability: group commit, no write-ahead log.</b> One writer thread takes every batch
 * waiting in its queue (up to {@value #MAX_GROUP_LINES} lines), adds them all to Lucene, commits
 * (fsyncs) the touched partitions once, and only then completes the batches' futures: a
 * completed future (an HTTP 200) means the lines survive a crash. A WAL would fsync one file
 * per group instead of Lucene's few, but every byte would be written twice and replayed on
 * start; with group commit the cost of an fsync is shared by every batch that arrived while the
 * previous commit ran, so the commit rate adapts to the load (many agents → large groups) and
 * the throughput is bounded by indexing, not by fsyncs. An agent should send batches of
 * hundreds to thousands of lines.
 *
 * <p>Lifecycle LATENT → STARTED → CLOSED: {@link #start()} opens the index and starts the
 * writer thread; {@link #close()} (idempotent) fails batches not yet taken, lets the current
 * group finish, and closes the index. If a commit fails and the index cannot be reopened at its
 * last commit, the store stops accepting batches ({@link #healthy()} turns false).
 */
public final class LogStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStore.class);
    static final int MAX_GROUP_LINES = 200_000;
    private static final Duration DISK_GAUGE_PERIOD = Duration.ofSeconds(1);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private interface Task {}

    private record IngestTask(List<StreamBatch> batches, CompletableFuture<IngestResponse> done, int lines)
            implements Task {}

    private record RetentionTask(CompletableFuture<List<String>> done) implements Task {}

    private record Stop() implements Task {}

    private final LogStoreConfig config;
    private final Clock clock;
    private final LogStoreMetrics metrics;
    private final TailHub tails = new TailHub();
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Object lifecycle = new Object();
    private State state = State.LATENT;
    private volatile boolean healthy = true;
    private LogIndex index;
    private Thread writer;
    private long diskGaugeAt;

    public LogStore(LogStoreConfig config, Clock clock, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new LogStoreMetrics(registry);
    }

    /** Opens the data directory (every committed line is there) and starts the writer thread. */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (state != State.LATENT) {
                throw new IllegalStateException("log store is " + state);
            }
            index = LogIndex.open(config.dataDir(), config.partition());
            metrics.disk(index.sizeBytes(), index.partitionNames().size());
            writer = new Thread(this::writeLoop, "logstore-writer");
            writer.start();
            state = State.STARTED;
        }
        log.info(
                "log store started in {} (partition {}, retention {}, retention bytes {})",
                config.dataDir(),
                config.partition(),
                config.retention().isZero() ? "none" : config.retention(),
                config.retentionBytes() == 0 ? "none" : config.retentionBytes());
    }

    /**
     * Stores the batches' new lines; the future completes once they are durable, with one ack
     * per batch, or fails (nothing of the group was stored: the agent resends).
     */
    public CompletableFuture<IngestResponse> ingest(List<StreamBatch> batches) {
        CompletableFuture<IngestResponse> done = new CompletableFuture<>();
        int lines = batches.stream().mapToInt(StreamBatch::size).sum();
        enqueue(new IngestTask(List.copyOf(batches), done, lines), done);
        return done;
    }

    /** Drops partitions past the retention limits now; completes with the dropped partitions' names. */
    public CompletableFuture<List<String>> enforceRetention() {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        enqueue(new RetentionTask(done), done);
        return done;
    }

    private void enqueue(Task task, CompletableFuture<?> done) {
        synchronized (lifecycle) {
            if (state != State.STARTED) {
                done.completeExceptionally(new IllegalStateException("log store is " + state));
                return;
            }
            if (!healthy) {
                done.completeExceptionally(new IOException("log store index failed; see the process log"));
                return;
            }
            queue.add(task);
        }
    }

    /** Committed lines of the query, see {@link LogIndex#select}. Any thread. */
    public List<LogEntry> select(LogQuery query, long fromNanos, long toNanos, int limit, boolean forward)
            throws IOException {
        long t0 = System.nanoTime();
        try {
            return index().select(query, fromNanos, toNanos, limit, forward);
        } finally {
            metrics.query("query_range", System.nanoTime() - t0);
        }
    }

    public SortedSet<String> labelNames(long fromNanos, long toNanos) throws IOException {
        long t0 = System.nanoTime();
        try {
            return index().labelNames(fromNanos, toNanos);
        } finally {
            metrics.query("labels", System.nanoTime() - t0);
        }
    }

    public SortedSet<String> labelValues(String name, long fromNanos, long toNanos) throws IOException {
        long t0 = System.nanoTime();
        try {
            return index().labelValues(name, fromNanos, toNanos);
        } finally {
            metrics.query("label_values", System.nanoTime() - t0);
        }
    }

    /** Label sets (JSON) of the streams the selectors select, see {@link LogIndex#series}. Any thread. */
    public SortedSet<String> series(List<LogQuery> selectors, long fromNanos, long toNanos) {
        long t0 = System.nanoTime();
        try {
            SortedSet<String> out = new java.util.TreeSet<>();
            for (LogQuery q : selectors) {
                out.addAll(index().series(q, fromNanos, toNanos));
            }
            return out;
        } finally {
            metrics.query("series", System.nanoTime() - t0);
        }
    }

    /** Directory names of the partitions, oldest first. */
    public List<String> partitions() {
        return index().partitionNames();
    }

    public long sizeBytes() {
        return index().sizeBytes();
    }

    public TailHub tails() {
        return tails;
    }

    /** False once a failed commit could not be rolled back; the store then refuses batches. */
    public boolean healthy() {
        return healthy;
    }

    private LogIndex index() {
        synchronized (lifecycle) {
            if (state != State.STARTED) {
                throw new IllegalStateException("log store is " + state);
            }
            return index;
        }
    }

    private void writeLoop() {
        List<Task> group = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            group.clear();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            int lines = group.get(0) instanceof IngestTask t ? t.lines() : 0;
            while (lines < MAX_GROUP_LINES) {
                Task next = queue.poll();
                if (next == null) {
                    break;
                }
                group.add(next);
                lines += next instanceof IngestTask t ? t.lines() : 0;
            }
            List<IngestTask> ingests = new ArrayList<>();
            for (Task t : group) {
                if (t instanceof IngestTask i) {
                    ingests.add(i);
                } else if (t instanceof Stop) {
                    stop = true;
                } // retention runs after the group's commit, below
            }
            if (!ingests.isEmpty()) {
                writeGroup(ingests);
            }
            for (Task t : group) {
                if (t instanceof RetentionTask r) {
                    retention(r.done());
                }
            }
            updateDiskGauge(false);
        }
    }

    private void writeGroup(List<IngestTask> tasks) {
        List<IndexedLine> added = new ArrayList<>();
        List<List<StreamOutcome>> outcomes = new ArrayList<>(tasks.size());
        long minTs = minTimestamp();
        long t0 = System.nanoTime();
        try {
            for (IngestTask task : tasks) {
                List<StreamOutcome> perStream = new ArrayList<>(task.batches().size());
                for (StreamBatch b : task.batches()) {
                    // always kept for the tails: a tail that subscribes between this add and the
                    // commit reads its history before the commit and would otherwise never see them
                    perStream.add(index.add(b, minTs, added::add));
                }
                outcomes.add(perStream);
            }
            index.commit();
        } catch (IOException | RuntimeException e) {
            log.error("log store commit of {} batch(es) failed; rolling back to the last commit", tasks.size(), e);
            try {
                index.rollback();
            } catch (IOException | RuntimeException e2) {
                healthy = false;
                log.error("log store rollback failed; refusing further batches", e2);
            }
            for (IngestTask task : tasks) {
                task.done().completeExceptionally(e);
            }
            return;
        }
        metrics.committed(System.nanoTime() - t0);
        for (int i = 0; i < tasks.size(); i++) {
            IngestTask task = tasks.get(i);
            List<IngestResponse.StreamAck> acks = new ArrayList<>();
            for (int j = 0; j < task.batches().size(); j++) {
                StreamBatch b = task.batches().get(j);
                StreamOutcome o = outcomes.get(i).get(j);
                metrics.stored(o.accepted(), o.duplicates(), o.tooOld());
                acks.add(new IngestResponse.StreamAck(
                        b.key().podUID(),
                        b.key().container(),
                        b.key().restartCount(),
                        b.key().stream(),
                        index.storedSeq(b.key().id()),
                        o.accepted(),
                        o.duplicates(),
                        o.tooOld()));
            }
            task.done().complete(new IngestResponse(acks));
        }
        try {
            tails.publish(added);
        } catch (RuntimeException e) {
            log.warn("a live tail failed to take lines", e);
        }
    }

    private long minTimestamp() {
        if (config.retention().isZero()) {
            return Long.MIN_VALUE;
        }
        Instant cutoff = clock.instant().minus(config.retention());
        return cutoff.getEpochSecond() * 1_000_000_000L + cutoff.getNano();
    }

    private void retention(CompletableFuture<List<String>> done) {
        try {
            List<String> dropped = index.enforceRetention(minTimestamp(), config.retentionBytes());
            updateDiskGauge(true);
            done.complete(dropped);
        } catch (IOException | RuntimeException e) {
            log.error("log store retention failed", e);
            done.completeExceptionally(e);
        }
    }

    private void updateDiskGauge(boolean now) {
        long t = System.nanoTime();
        if (now || t - diskGaugeAt > DISK_GAUGE_PERIOD.toNanos()) {
            diskGaugeAt = t;
            metrics.disk(index.sizeBytes(), index.partitionNames().size());
        }
    }

    /**
     * Stops the writer after the group it is writing (batches still queued fail), then closes
     * the index. Idempotent.
     */
    @Override
    public void close() {
        Thread w;
        synchronized (lifecycle) {
            if (state != State.STARTED) {
                state = State.CLOSED;
                return;
            }
            state = State.CLOSED;
            w = writer;
            List<Task> queued = new ArrayList<>();
            queue.drainTo(queued);
            for (Task t : queued) {
                if (t instanceof IngestTask i) {
                    i.done().completeExceptionally(new IllegalStateException("log store closed"));
                } else if (t instanceof RetentionTask r) {
                    r.done().completeExceptionally(new IllegalStateException("log store closed"));
                }
            }
            queue.add(new Stop());
        }
        try {
            w.join(30_000);
            if (w.isAlive()) {
                log.warn("log store writer did not stop within 30s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            index.close();
        } catch (IOException e) {
            log.warn("closing the log index failed", e);
        }
        log.info("log store closed");
    }
}
