package io.kubelite.logstore.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.logstore.ingest.InstanceKey;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexOptions;

/**
 * The Lucene schema of one log line. Labels are keyword fields named {@code l.<label>} (the
 * prefix keeps them apart from the internal fields whatever a pod's labels are called), so the
 * selector {@code {app="web"}} is the term {@code l.app:web}. {@code ts} (nanoseconds) is a point
 * for range queries and a doc value for sorting; {@code line} is analyzed by {@link LogAnalyzer}
 * for full text and stored raw for regex filters and results (indexed as which lines hold each
 * word, no more: filters never score nor match phrases, so frequencies, positions and norms
 * would only cost indexing time and disk, see {@link #LINE_TYPE}); {@code labels} stores the stream's
 * label set as JSON (repeated per line, which Lucene's block compression makes cheap);
 * {@code pod_uid} and {@code restart_count} store which container instance wrote the line (not
 * labels: a stream outlives its instances, as in Loki; queries return them as structured metadata).
 */
public final class LogFields {
    static final String LABEL_PREFIX = "l.";
    static final String TS = "ts";
    static final String SEQ = "seq";
    static final String LINE = "line";
    static final String LABELS = "labels";
    static final String POD_UID = "pod_uid";
    static final String RESTART_COUNT = "restart_count";
    /** Marks lines with a letter-or-digit run longer than the analyzer's longest token. */
    static final String LONG_RUN = "longrun";

    static final String YES = "1";

    /**
     * How {@code line} is indexed: tokenized, stored, postings with document ids only, no norms.
     * About a third less indexing work than {@link TextField}'s frequencies, positions and norms,
     * which the prefilter's term, prefix and wildcard queries never read.
     */
    static final FieldType LINE_TYPE = lineType(IndexOptions.DOCS, true);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> LABEL_MAP = new TypeReference<>() {};

    private LogFields() {}

    static String labelField(String label) {
        return LABEL_PREFIX + label;
    }

    /** The JSON form of a label set, as stored (keys sorted: equal sets give equal strings). */
    static String labelsJson(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> parseLabels(String json) {
        try {
            return JSON.readValue(json, LABEL_MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FieldType lineType(IndexOptions options, boolean omitNorms) {
        FieldType t = new FieldType(TextField.TYPE_STORED);
        t.setIndexOptions(options);
        t.setOmitNorms(omitNorms);
        t.freeze();
        return t;
    }

    /**
     * The field type to index {@code line} with in an index where it is already {@code existing}
     * (null: not yet): Lucene keeps one way of indexing per field, so partitions written before
     * {@link #LINE_TYPE} keep theirs ({@link TextField}'s) until retention drops them.
     */
    static FieldType lineTypeFor(FieldInfo existing) {
        if (existing == null
                || (existing.getIndexOptions() == LINE_TYPE.indexOptions()
                        && existing.omitsNorms() == LINE_TYPE.omitNorms())) {
            return LINE_TYPE;
        }
        return lineType(existing.getIndexOptions(), existing.omitsNorms());
    }

    static Document document(
            Map<String, String> labels,
            String labelsJson,
            InstanceKey instance,
            long tsNanos,
            long seq,
            String line,
            FieldType lineType) {
        Document d = new Document();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            d.add(new StringField(labelField(e.getKey()), e.getValue(), Field.Store.NO));
        }
        d.add(new StoredField(LABELS, labelsJson));
        d.add(new StoredField(POD_UID, instance.podUID()));
        d.add(new StoredField(RESTART_COUNT, instance.restartCount()));
        d.add(new LongPoint(TS, tsNanos));
        d.add(new NumericDocValuesField(TS, tsNanos));
        d.add(new StoredField(TS, tsNanos));
        d.add(new NumericDocValuesField(SEQ, seq));
        d.add(new Field(LINE, line, lineType));
        if (hasLongRun(line)) {
            d.add(new StringField(LONG_RUN, YES, Field.Store.NO));
        }
        return d;
    }

    private static boolean hasLongRun(String line) {
        if (line.length() <= LogAnalyzer.MAX_TOKEN_LENGTH) {
            return false;
        }
        int run = 0;
        for (int i = 0; i < line.length(); ) {
            int c = line.codePointAt(i);
            run = LogAnalyzer.isTokenChar(c)
                    ? run + Character.charCount(c)
                    : 0; // UTF-16 units, as the tokenizer counts
            if (run > LogAnalyzer.MAX_TOKEN_LENGTH) {
                return true;
            }
            i += Character.charCount(c);
        }
        return false;
    }
}
