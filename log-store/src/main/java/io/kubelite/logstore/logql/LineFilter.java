package io.kubelite.logstore.logql;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One line filter of a LogQL pipeline: {@code |= "text"} (contains), {@code != "text"} (does not
 * contain), {@code |~ "re"} (regex finds a match), {@code !~ "re"} (regex finds none). As in Loki,
 * {@code |=} is a case-sensitive substring test and regexes are unanchored.
 *
 * @param pattern compiled regex for {@code |~} and {@code !~}; null for the substring filters
 */
public record LineFilter(Op op, String text, Pattern pattern) {
    /** The four line filter operators. */
    public enum Op {
        CONTAINS("|="),
        NOT_CONTAINS("!="),
        MATCHES("|~"),
        NOT_MATCHES("!~");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public LineFilter {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(text, "text");
        if ((op == Op.MATCHES || op == Op.NOT_MATCHES) != (pattern != null)) {
            throw new IllegalArgumentException("a pattern is required exactly for regex filters");
        }
    }

    /** Whether {@code line} passes this filter. */
    public boolean test(String line) {
        return switch (op) {
            case CONTAINS -> line.contains(text);
            case NOT_CONTAINS -> !line.contains(text);
            case MATCHES -> pattern.matcher(line).find();
            case NOT_MATCHES -> !pattern.matcher(line).find();
        };
    }
}
