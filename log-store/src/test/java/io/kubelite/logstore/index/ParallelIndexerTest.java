package io.kubelite.logstore.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/** Chunks added on the indexer's threads are all in the writer once {@code await} returns; failures surface there. */
class ParallelIndexerTest {
    static List<Document> docs(int from, int n) {
        List<Document> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            Document d = new Document();
            d.add(new StringField("id", Integer.toString(i), Field.Store.NO));
            out.add(d);
        }
        return out;
    }

    @Test
    void everySubmittedChunkIsInTheWriterAfterAwait() throws Exception {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                IndexWriter w = new IndexWriter(dir, new IndexWriterConfig());
                ParallelIndexer indexer = new ParallelIndexer(2)) {
            // more chunks than the 4 queue slots: submit must block, not drop
            for (int c = 0; c < 20; c++) {
                indexer.submit(w, docs(c * 100, 100));
            }
            indexer.await();
            w.commit();
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                assertThat(r.numDocs()).isEqualTo(2000);
            }
        }
    }

    @Test
    void aFailedChunkIsRethrownByAwaitAndDiscardForgetsIt() throws Exception {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                IndexWriter w = new IndexWriter(dir, new IndexWriterConfig());
                ParallelIndexer indexer = new ParallelIndexer(2)) {
            Document immense = new Document();
            immense.add(new StringField("id", "x".repeat(40_000), Field.Store.NO)); // above Lucene's term limit
            indexer.submit(w, docs(0, 10));
            indexer.submit(w, List.of(immense));
            assertThatThrownBy(indexer::await)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("immense term");

            indexer.submit(w, List.of(immense));
            indexer.discard();
            indexer.await(); // nothing left over from the discarded failure
        }
    }

    @Test
    void flushWritesTheBufferedSegmentsBeforeTheCommit() throws Exception {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                IndexWriter w = new IndexWriter(dir, new IndexWriterConfig());
                ParallelIndexer indexer = new ParallelIndexer(2)) {
            for (int c = 0; c < 8; c++) {
                indexer.submit(w, docs(c * 100, 100));
            }
            indexer.await();
            assertThat(w.getFlushingBytes() + w.ramBytesUsed()).isPositive();

            indexer.flush(w);

            assertThat(w.numRamDocs()).isZero(); // nothing left for the commit to flush
            w.commit();
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                assertThat(r.numDocs()).isEqualTo(800);
            }
        }
    }
}
