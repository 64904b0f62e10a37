package io.kubelite.logstore.index;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.FSDirectory;

/**
 * One time partition: a Lucene index holding the lines whose timestamps fall in
 * {@code [startNanos, endNanos)}, in its own directory.
 *
 * <p>Deduplication state lives in the index itself: for every
 * {@link io.kubelite.logstore.ingest.InstanceKey#id() instance stream} with lines here, one
 * state document (no timestamp, so no query ever matches it) holds the highest sequence number
 * among them. A commit replaces the state documents of the streams that changed since the last
 * one ({@code updateDocument}), so the state is committed atomically with the lines, survives a
 * crash exactly as they do, and costs a commit only what changed (commit user data would
 * rewrite every stream's mark on every commit). A line is a duplicate when its sequence number
 * is at or below that high-water mark <em>of the partition its timestamp falls in</em>; keeping
 * the marks per partition means a crash between the commits of two partitions cannot make one
 * partition's mark hide lines the other lost.
 *
 * <p>Writes ({@link #add}, {@link #commit}, {@link #rollback}) come from one thread, the store's
 * writer, which hands the documents to Lucene in chunks through the index's shared
 * {@link ParallelIndexer}; {@link #acquire}/{@link #release} from any thread. Searchers are refreshed only after a
 * commit, so a query never sees a line that was not yet acknowledged.
 */
final class Partition implements Closeable {
    private static final String STATE_ID = "state.id";
    private static final String STATE_HW = "state.hw";
    private static final String STATE_LABELS = "state.labels";
    /** Documents handed to the indexer at once: large enough to amortise the hand-over, small enough to spread a group. */
    static final int CHUNK_DOCS = 512;

    private final PartitionName name;
    private final Path dir;
    private final Analyzer analyzer;
    private final ParallelIndexer indexer;
    private List<Document> chunk = new ArrayList<>(CHUNK_DOCS);
    private FieldType lineType = LogFields.LINE_TYPE;
    private FSDirectory directory;
    private IndexWriter writer;
    // replaced by rollback on the writer thread while queries acquire from others
    private volatile SearcherManager searchers;
    private Map<String, Long> committed;
    private Map<String, Long> pending;
    // streams whose mark moved since the last commit: their state documents are rewritten
    private final Map<String, Long> changed = new HashMap<>();
    // instance stream -> its label set (JSON) as committed; read by queries on other threads
    private final Map<String, String> streamLabels = new ConcurrentHashMap<>();
    private final Map<String, String> changedLabels = new HashMap<>();
    private boolean dirty;
    private boolean closed;

    private Partition(PartitionName name, Path dir, Analyzer analyzer, ParallelIndexer indexer) {
        this.name = name;
        this.dir = dir;
        this.analyzer = analyzer;
        this.indexer = indexer;
    }

    /** Opens (or creates) the partition in {@code dir}, at its last commit; documents are added through {@code indexer}. */
    static Partition open(PartitionName name, Path dir, Analyzer analyzer, ParallelIndexer indexer) throws IOException {
        Partition p = new Partition(name, dir, analyzer, indexer);
        p.openIndex();
        return p;
    }

    private void openIndex() throws IOException {
        Files.createDirectories(dir);
        directory = FSDirectory.open(dir);
        // every group commit flushes a small segment, so merging is most of the write amplification:
        // merging twice as many segments at once rewrites each line fewer times (log20 instead of log10
        // of the partition's size in flushes), at the cost of more segments for a query to visit
        TieredMergePolicy merges =
                new TieredMergePolicy().setSegmentsPerTier(20).setMaxMergeAtOnce(20);
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(32)
                .setMergePolicy(merges);
        IndexWriter w = null;
        SearcherManager m = null;
        try {
            w = new IndexWriter(directory, cfg);
            m = new SearcherManager(w, null);
            writer = w;
            searchers = m;
            committed = new HashMap<>();
            streamLabels.clear();
            readStates();
            lineType = lineTypeOfIndex();
        } catch (IOException | RuntimeException e) {
            if (m != null) {
                m.close();
            }
            if (w != null) {
                w.rollback(); // nothing of a failed open may be committed
            }
            directory.close();
            throw e;
        }
        pending = new HashMap<>(committed);
        changed.clear();
        changedLabels.clear();
        dirty = false;
    }

    /** The high-water marks of the last commit, from its state documents. */
    private void readStates() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            Query all = new PrefixQuery(new Term(STATE_ID, ""));
            int n = s.count(all);
            if (n == 0) {
                return;
            }
            StoredFields stored = s.storedFields();
            for (ScoreDoc sd : s.search(all, n).scoreDocs) {
                Document d = stored.document(sd.doc);
                committed.put(
                        d.get(STATE_ID), d.getField(STATE_HW).numericValue().longValue());
                streamLabels.put(d.get(STATE_ID), d.get(STATE_LABELS));
            }
        } finally {
            searchers.release(s);
        }
    }

    /** How this index already indexes {@code line} (an index keeps one way per field), or how new ones do. */
    private FieldType lineTypeOfIndex() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return LogFields.lineTypeFor(
                    FieldInfos.getMergedFieldInfos(s.getIndexReader()).fieldInfo(LogFields.LINE));
        } finally {
            searchers.release(s);
        }
    }

    /** The field type of {@code line} in this partition's documents. */
    FieldType lineType() {
        return lineType;
    }

    PartitionName name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    /** The highest sequence number of {@code instanceId} in this partition, added or committed; -1 if none. */
    long highWater(String instanceId) {
        return pending.getOrDefault(instanceId, -1L);
    }

    /** The label sets (JSON) of the streams with committed lines here. Any thread. */
    Collection<String> streamLabelSets() {
        return streamLabels.values();
    }

    /** The highest committed sequence number of {@code instanceId} here; -1 if none. */
    long committedHighWater(String instanceId) {
        return committed.getOrDefault(instanceId, -1L);
    }

    /** Adds one line (not yet visible nor durable); {@code seq} must be above {@link #highWater}. */
    void add(Document doc, String instanceId, long seq, String labelsJson) throws IOException {
        chunk.add(doc);
        if (chunk.size() >= CHUNK_DOCS) {
            submitChunk();
        }
        pending.put(instanceId, seq);
        changed.put(instanceId, seq);
        changedLabels.put(instanceId, labelsJson);
        dirty = true;
    }

    private void submitChunk() throws IOException {
        List<Document> docs = chunk;
        chunk = new ArrayList<>(CHUNK_DOCS);
        indexer.submit(writer, docs);
    }

    boolean dirty() {
        return dirty;
    }

    /** Makes every added line durable (fsync) together with the high-water marks, then visible. */
    void commit() throws IOException {
        if (!dirty) {
            return;
        }
        submitChunk();
        indexer.await(); // every line of the group is in the writer before the commit point is taken
        indexer.flush(writer);
        for (Map.Entry<String, Long> e : changed.entrySet()) {
            Document state = new Document();
            state.add(new StringField(STATE_ID, e.getKey(), Field.Store.YES));
            state.add(new StoredField(STATE_HW, e.getValue()));
            state.add(new StoredField(STATE_LABELS, changedLabels.get(e.getKey())));
            writer.updateDocument(new Term(STATE_ID, e.getKey()), state);
        }
        writer.commit();
        committed.putAll(changed);
        streamLabels.putAll(changedLabels);
        changed.clear();
        changedLabels.clear();
        dirty = false;
        searchers.maybeRefreshBlocking();
    }

    /**
     * Forgets every line added since the last commit, after a failed add or commit, by reopening
     * the index at its last commit.
     */
    void rollback() throws IOException {
        chunk.clear();
        indexer.discard(); // no chunk may still be adding while the writer rolls back
        searchers.close();
        writer.rollback();
        directory.close();
        openIndex();
    }

    IndexSearcher acquire() throws IOException {
        return searchers.acquire();
    }

    void release(IndexSearcher searcher) throws IOException {
        searchers.release(searcher);
    }

    /** Bytes of the partition's files on disk. */
    long sizeBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // a segment merged away while listing
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes without committing what was added since the last commit. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        chunk.clear();
        indexer.discard();
        try {
            searchers.close();
            writer.rollback(); // the last commit is what was acknowledged; nothing else may become durable
        } finally {
            directory.close();
        }
    }
}
