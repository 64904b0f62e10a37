package io.kubelite.logstore.index;

import io.kubelite.logstore.logql.LabelMatcher;
import io.kubelite.logstore.logql.LogQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Turns a {@link LogQuery} into the Lucene query of one partition's reader: the time range, one
 * clause per label matcher, and the {@link LinePrefilter} clauses of {@code |=} filters. Regex
 * and empty-value matchers are resolved against the label values present in that reader (Java
 * regexes, fully anchored), so Lucene's own regex dialect never meets a user's regex. The other
 * line filters are applied to stored lines by the caller.
 */
final class QueryPlanner {
    private QueryPlanner() {}

    /** The Lucene query of a LogQL query on one reader; null when nothing there can match. */
    static Query plan(IndexReader reader, LogQuery query, long fromNanos, long toNanos) throws IOException {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(LongPoint.newRangeQuery(LogFields.TS, fromNanos, toNanos - 1), Occur.FILTER);
        for (LabelMatcher m : query.matchers()) {
            String field = LogFields.labelField(m.name());
            if (m.op() == LabelMatcher.Op.EQ && !m.value().isEmpty()) {
                b.add(new TermQuery(new Term(field, m.value())), Occur.FILTER);
                continue;
            }
            if (m.op() == LabelMatcher.Op.NEQ && !m.value().isEmpty()) {
                b.add(new TermQuery(new Term(field, m.value())), Occur.MUST_NOT);
                continue;
            }
            // regexes and empty values: decide on each value the label has here
            List<BytesRef> selected = new ArrayList<>();
            List<BytesRef> rejected = new ArrayList<>();
            Terms terms = MultiTerms.getTerms(reader, field);
            if (terms != null) {
                TermsEnum te = terms.iterator();
                for (BytesRef t = te.next(); t != null; t = te.next()) {
                    (m.matches(t.utf8ToString()) ? selected : rejected).add(BytesRef.deepCopyOf(t));
                }
            }
            if (m.matchesEmpty()) {
                // streams without the label are selected too: exclude the rejected values
                if (!rejected.isEmpty()) {
                    b.add(new TermInSetQuery(field, rejected), Occur.MUST_NOT);
                }
            } else {
                if (selected.isEmpty()) {
                    return null;
                }
                b.add(new TermInSetQuery(field, selected), Occur.FILTER);
            }
        }
        LinePrefilter.addTo(b, query.filters());
        return b.build();
    }
}
