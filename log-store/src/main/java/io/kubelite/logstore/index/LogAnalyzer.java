package io.kubelite.logstore.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * The analyzer of the {@code line} field: tokens are maximal runs of letters and digits,
 * lowercased. Log lines are full of punctuation that glues words together ({@code user=bob},
 * {@code /api/v1/pods}, {@code 10.0.0.1:80}); splitting at every non-alphanumeric character makes
 * each word a term that a substring filter can look up (see {@link LinePrefilter}, which must
 * split the same way).
 */
public final class LogAnalyzer extends Analyzer {
    /** Longer runs (base64 blobs) are cut into pieces of this many characters. */
    static final int MAX_TOKEN_LENGTH = 255;

    /** The character class of tokens, shared with {@link LinePrefilter}. */
    static boolean isTokenChar(int c) {
        return Character.isLetterOrDigit(c);
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = CharTokenizer.fromTokenCharPredicate(LogAnalyzer::isTokenChar);
        return new TokenStreamComponents(tokenizer, new LowerCaseFilter(tokenizer));
    }
}
