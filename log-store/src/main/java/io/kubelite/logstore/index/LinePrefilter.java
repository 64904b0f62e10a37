package io.kubelite.logstore.index;

import io.kubelite.logstore.logql.LineFilter;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * Narrows the lines a {@code |= "text"} filter must be checked against, using the full-text
 * terms of the {@code line} field. A line containing {@code text} contains each word of it; a
 * word of {@code text} that touches the start (end) of {@code text} may be the tail (head) of a
 * longer word in the line, so it is looked up as a suffix (prefix) pattern, an inner word
 * exactly. The result is a superset (terms are lowercase, {@code |=} is case-sensitive): the
 * stored line is always checked by {@link LineFilter#test} afterwards.
 */
final class LinePrefilter {
    private LinePrefilter() {}

    /** Adds a clause per word of each {@code |=} filter to {@code query}. */
    static void addTo(BooleanQuery.Builder query, List<LineFilter> filters) {
        for (LineFilter f : filters) {
            if (f.op() == LineFilter.Op.CONTAINS) {
                addWords(query, f.text());
            }
        }
    }

    /** Lowercases as the analyzer's {@code LowerCaseFilter} does: code point by code point. */
    private static String lowerCase(String word) {
        StringBuilder b = new StringBuilder(word.length());
        word.codePoints().forEach(c -> b.appendCodePoint(Character.toLowerCase(c)));
        return b.toString();
    }

    private static void addWords(BooleanQuery.Builder query, String text) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            int c = text.codePointAt(i);
            if (!LogAnalyzer.isTokenChar(c)) {
                i += Character.charCount(c);
                continue;
            }
            int start = i;
            while (i < n && LogAnalyzer.isTokenChar(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            String word = lowerCase(text.substring(start, i));
            if (word.length() > LogAnalyzer.MAX_TOKEN_LENGTH) {
                continue; // the analyzer split it; no single term to look up
            }
            boolean openLeft = start == 0;
            boolean openRight = i == n;
            Term t = new Term(LogFields.LINE, word);
            Query q;
            if (!openLeft && !openRight) {
                q = new TermQuery(t);
            } else if (!openLeft) {
                q = new PrefixQuery(t);
            } else {
                // words are alphanumeric: nothing in them needs escaping from wildcard syntax
                Query pattern = new WildcardQuery(new Term(LogFields.LINE, "*" + word + (openRight ? "*" : "")));
                // the analyzer cuts runs longer than MAX_TOKEN_LENGTH into pieces at fixed offsets, so
                // the tail or middle of such a run is no term: lines with one are checked directly
                q = new BooleanQuery.Builder()
                        .add(pattern, BooleanClause.Occur.SHOULD)
                        .add(new TermQuery(new Term(LogFields.LONG_RUN, LogFields.YES)), BooleanClause.Occur.SHOULD)
                        .build();
            }
            query.add(q, BooleanClause.Occur.FILTER);
        }
    }
}
