package io.kubelite.logstore.logql;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One matcher of a stream selector, {@code name op "value"}, with Loki's (Prometheus') meaning:
 * a stream without the label has the empty value for it, and regexes match the whole value.
 *
 * @param pattern the compiled, fully anchored regex for {@code =~} and {@code !~}; null otherwise
 */
public record LabelMatcher(String name, Op op, String value, Pattern pattern) {
    /** The four matcher operators. */
    public enum Op {
        EQ("="),
        NEQ("!="),
        RE("=~"),
        NRE("!~");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public LabelMatcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
        if ((op == Op.RE || op == Op.NRE) != (pattern != null)) {
            throw new IllegalArgumentException("a pattern is required exactly for regex matchers");
        }
    }

    /** Whether a stream whose label {@code name} has {@code labelValue} ("" when absent) is selected. */
    public boolean matches(String labelValue) {
        String v = labelValue == null ? "" : labelValue;
        return switch (op) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> pattern.matcher(v).matches();
            case NRE -> !pattern.matcher(v).matches();
        };
    }

    /** True when streams lacking the label are selected (then this matcher alone selects everything). */
    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public String toString() {
        return name + op.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
