package io.kubelite.logstore.index;

import io.kubelite.logstore.ingest.StreamBatch;
import io.kubelite.logstore.logql.LogQuery;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk log index: one {@link Partition} per time span under the data directory.
 *
 * <p>Threading: {@link #add}, {@link #commit}, {@link #rollback}, {@link #enforceRetention} and
 * {@link #close} are called by one writer thread only; the read methods ({@link #select},
 * {@link #labelNames}, {@link #labelValues}, {@link #storedSeq}, {@link #sizeBytes}) from any
 * thread, and see only committed lines. A partition dropped while a query reads it is skipped by
 * that query. The writer thread decides which lines are new; Lucene inverts them on a
 * {@link ParallelIndexer}'s threads (one per core), and {@link #commit} waits for them.
 */
public final class LogIndex implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogIndex.class);
    private static final String DELETING = ".deleting";
    private static final Set<String> RESULT_FIELDS =
            Set.of(LogFields.TS, LogFields.LINE, LogFields.LABELS, LogFields.POD_UID, LogFields.RESTART_COUNT);

    private final Path dataDir;
    private final Duration partitionLength;
    private final Analyzer analyzer = new LogAnalyzer();
    private final ConcurrentSkipListMap<Long, Partition> partitions = new ConcurrentSkipListMap<>();
    private final ParallelIndexer indexer = new ParallelIndexer(ParallelIndexer.defaultThreads());
    private boolean closed;

    private LogIndex(Path dataDir, Duration partitionLength) {
        this.dataDir = dataDir;
        this.partitionLength = partitionLength;
    }

    /**
     * Opens every partition under {@code dataDir} at its last commit (creating the directory if
     * needed) and finishes deletions a crash interrupted. New partitions span
     * {@code partitionLength}; partitions written with another length keep theirs.
     */
    public static LogIndex open(Path dataDir, Duration partitionLength) throws IOException {
        if (partitionLength.isZero() || partitionLength.isNegative()) {
            throw new IllegalArgumentException("partition length must be positive");
        }
        Files.createDirectories(dataDir);
        LogIndex index = new LogIndex(dataDir, partitionLength);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (n.endsWith(DELETING)) {
                    deleteTree(d);
                    continue;
                }
                var name = PartitionName.parse(n);
                if (name.isPresent() && Files.isDirectory(d)) {
                    index.partitions.put(
                            name.get().startNanos(), Partition.open(name.get(), d, index.analyzer, index.indexer));
                }
            }
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
        log.info("log index opened in {} with {} partition(s)", dataDir, index.partitions.size());
        return index;
    }

    /**
     * Adds a validated stream's lines that are new: a line at or below its partition's
     * high-water mark for the stream is a duplicate, one older than {@code minTsNanos} is too old.
     * Nothing is durable or visible before {@link #commit}; {@code added} receives each added line.
     */
    public StreamOutcome add(StreamBatch batch, long minTsNanos, Consumer<IndexedLine> added) throws IOException {
        String id = batch.key().id();
        String labelsJson = LogFields.labelsJson(batch.labels());
        int accepted = 0;
        int duplicates = 0;
        int tooOld = 0;
        for (int i = 0; i < batch.size(); i++) {
            long ts = batch.tsNanos()[i];
            if (ts < minTsNanos) {
                tooOld++;
                continue;
            }
            Partition p = partitionFor(ts);
            long seq = batch.seqs()[i];
            if (seq <= p.highWater(id)) {
                duplicates++;
                continue;
            }
            Document doc = LogFields.document(
                    batch.labels(), labelsJson, batch.key(), ts, seq, batch.lines()[i], p.lineType());
            p.add(doc, id, seq, labelsJson);
            added.accept(new IndexedLine(batch.labels(), labelsJson, ts, batch.lines()[i]));
            accepted++;
        }
        return new StreamOutcome(accepted, duplicates, tooOld);
    }

    /** Commits (fsyncs) every partition with added lines; they become visible to queries. */
    public void commit() throws IOException {
        for (Partition p : partitions.values()) {
            p.commit();
        }
    }

    /** Forgets what was added since the last commit, in every partition (after a failed add or commit). */
    public void rollback() throws IOException {
        for (Partition p : partitions.values()) {
            if (p.dirty()) {
                p.rollback();
            }
        }
    }

    /** The highest committed sequence number of an instance stream, over all partitions; -1 if none. */
    public long storedSeq(String instanceId) {
        long max = -1;
        for (Partition p : partitions.values()) {
            max = Math.max(max, p.committedHighWater(instanceId));
        }
        return max;
    }

    private Partition partitionFor(long ts) throws IOException {
        Map.Entry<Long, Partition> floor = partitions.floorEntry(ts);
        if (floor != null && floor.getValue().name().contains(ts)) {
            return floor.getValue();
        }
        PartitionName aligned = PartitionName.containing(ts, partitionLength);
        long start = aligned.startNanos();
        long end = aligned.endNanos();
        // partitions of an earlier --partition-duration must not overlap new ones
        if (floor != null) {
            start = Math.max(start, floor.getValue().name().endNanos());
        }
        Long next = partitions.higherKey(ts);
        if (next != null) {
            end = Math.min(end, next);
        }
        PartitionName name = new PartitionName(start, end);
        Partition p = Partition.open(name, dataDir.resolve(name.dirName()), analyzer, indexer);
        partitions.put(start, p);
        log.info("log partition {} created", name.dirName());
        return p;
    }

    /**
     * Drops whole partitions: those ending at or before {@code cutoffNanos}, then the oldest while
     * the index is larger than {@code maxBytes} (0: no size limit), always keeping the newest.
     * Returns the names of the dropped partitions' directories.
     */
    public List<String> enforceRetention(long cutoffNanos, long maxBytes) throws IOException {
        List<String> dropped = new ArrayList<>();
        for (Partition p : List.copyOf(partitions.values())) {
            if (p.name().endNanos() <= cutoffNanos) {
                drop(p);
                dropped.add(p.name().dirName());
            }
        }
        if (maxBytes > 0) {
            long total = sizeBytes();
            while (total > maxBytes && partitions.size() > 1) {
                Partition oldest = partitions.firstEntry().getValue();
                long size = oldest.sizeBytes();
                drop(oldest);
                dropped.add(oldest.name().dirName());
                total -= size;
            }
        }
        return dropped;
    }

    private void drop(Partition p) throws IOException {
        partitions.remove(p.name().startNanos());
        p.close();
        // renamed first (atomic) so that a crash mid-delete leaves no half-deleted index to open
        Path doomed = p.dir().resolveSibling(p.dir().getFileName() + DELETING);
        Files.move(p.dir(), doomed, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(doomed);
        log.info("log partition {} dropped by retention", p.name().dirName());
    }

    /** Bytes of all partitions on disk. */
    public long sizeBytes() {
        long total = 0;
        for (Partition p : partitions.values()) {
            try {
                total += p.sizeBytes();
            } catch (RuntimeException e) {
                // dropped while summing
            }
        }
        return total;
    }

    /** Directory names of the current partitions, oldest first. */
    public List<String> partitionNames() {
        return partitions.values().stream().map(p -> p.name().dirName()).toList();
    }

    /**
     * Up to {@code limit} lines of the selected streams passing the filters, with timestamps in
     * {@code [fromNanos, toNanos)}, oldest first when {@code forward}, else newest first (ties in
     * sequence order, reversed for backward).
     */
    public List<LogEntry> select(LogQuery query, long fromNanos, long toNanos, int limit, boolean forward)
            throws IOException {
        List<LogEntry> out = new ArrayList<>();
        List<Partition> ps = new ArrayList<>(partitions.values());
        if (!forward) {
            java.util.Collections.reverse(ps);
        }
        Sort sort = new Sort(
                new SortField(LogFields.TS, SortField.Type.LONG, !forward),
                new SortField(LogFields.SEQ, SortField.Type.LONG, !forward));
        for (Partition p : ps) {
            if (out.size() >= limit) {
                break;
            }
            if (!p.name().overlaps(fromNanos, toNanos)) {
                continue;
            }
            IndexSearcher searcher;
            try {
                searcher = p.acquire();
            } catch (AlreadyClosedException e) {
                continue;
            }
            try {
                Query q = QueryPlanner.plan(searcher.getIndexReader(), query, fromNanos, toNanos);
                if (q != null) {
                    collect(searcher, q, sort, query, limit, out);
                }
            } catch (AlreadyClosedException e) {
                // dropped by retention while we read it
            } finally {
                p.release(searcher);
            }
        }
        return out;
    }

    private static void collect(
            IndexSearcher searcher, Query q, Sort sort, LogQuery query, int limit, List<LogEntry> out)
            throws IOException {
        // the line filters are checked on stored lines, so fetch more than needed per page
        int page = Math.min(10_000, Math.max(256, (limit - out.size()) * 2));
        StoredFields stored = searcher.storedFields();
        ScoreDoc after = null;
        while (out.size() < limit) {
            TopDocs top = searcher.searchAfter(after, q, page, sort);
            for (ScoreDoc sd : top.scoreDocs) {
                Document d = stored.document(sd.doc, RESULT_FIELDS);
                String line = d.get(LogFields.LINE);
                if (!query.passes(line)) {
                    continue;
                }
                long ts = d.getField(LogFields.TS).numericValue().longValue();
                IndexableField restart = d.getField(LogFields.RESTART_COUNT);
                out.add(new LogEntry(
                        d.get(LogFields.LABELS),
                        ts,
                        line,
                        d.get(LogFields.POD_UID),
                        restart == null ? -1 : restart.numericValue().intValue()));
                if (out.size() >= limit) {
                    return;
                }
            }
            if (top.scoreDocs.length < page) {
                return;
            }
            after = (FieldDoc) top.scoreDocs[top.scoreDocs.length - 1];
        }
    }

    /**
     * The label sets (as JSON) of the streams with lines in the partitions overlapping
     * {@code [fromNanos, toNanos)} that {@code selector}'s matchers select (its line filters are
     * not applied). Answered from the partitions' stream states, without reading lines.
     */
    public SortedSet<String> series(LogQuery selector, long fromNanos, long toNanos) {
        SortedSet<String> out = new TreeSet<>();
        Map<String, Boolean> decided = new java.util.HashMap<>();
        for (Partition p : partitions.values()) {
            if (!p.name().overlaps(fromNanos, toNanos)) {
                continue;
            }
            for (String labels : p.streamLabelSets()) {
                if (decided.computeIfAbsent(labels, l -> selector.selects(LogFields.parseLabels(l)))) {
                    out.add(labels);
                }
            }
        }
        return out;
    }

    /** Label names of the partitions overlapping {@code [fromNanos, toNanos)}. */
    public SortedSet<String> labelNames(long fromNanos, long toNanos) throws IOException {
        SortedSet<String> names = new TreeSet<>();
        forEachReader(fromNanos, toNanos, reader -> {
            for (FieldInfo fi : FieldInfos.getMergedFieldInfos(reader)) {
                if (fi.name.startsWith(LogFields.LABEL_PREFIX)) {
                    names.add(fi.name.substring(LogFields.LABEL_PREFIX.length()));
                }
            }
        });
        return names;
    }

    /** Values of label {@code name} in the partitions overlapping {@code [fromNanos, toNanos)}. */
    public SortedSet<String> labelValues(String name, long fromNanos, long toNanos) throws IOException {
        SortedSet<String> values = new TreeSet<>();
        forEachReader(fromNanos, toNanos, reader -> {
            Terms terms = MultiTerms.getTerms(reader, LogFields.labelField(name));
            if (terms != null) {
                TermsEnum te = terms.iterator();
                for (BytesRef t = te.next(); t != null; t = te.next()) {
                    values.add(t.utf8ToString());
                }
            }
        });
        return values;
    }

    private interface ReaderVisitor {
        void visit(IndexReader reader) throws IOException;
    }

    private void forEachReader(long fromNanos, long toNanos, ReaderVisitor visitor) throws IOException {
        for (Partition p : partitions.values()) {
            if (!p.name().overlaps(fromNanos, toNanos)) {
                continue;
            }
            IndexSearcher s;
            try {
                s = p.acquire();
            } catch (AlreadyClosedException e) {
                continue;
            }
            try {
                visitor.visit(s.getIndexReader());
            } catch (AlreadyClosedException e) {
                // dropped meanwhile
            } finally {
                p.release(s);
            }
        }
    }

    /** Closes every partition; lines added but not committed are discarded. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (Partition p : partitions.values()) {
            try {
                p.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        partitions.clear();
        indexer.close();
        if (first != null) {
            throw first;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
