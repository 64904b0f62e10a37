package io.kubelite.logstore.logql;

/**
 * A query the parser rejected. The message reads as Loki's does, {@code parse error at line 1,
 * col 12: syntax error: unexpected ...}, so users and Grafana show where the query went wrong.
 */
public final class LogQlParseException extends Exception {
    private final int line;
    private final int column;

    public LogQlParseException(int line, int column, String detail) {
        super("parse error at line " + line + ", col " + column + ": " + detail);
        this.line = line;
        this.column = column;
    }

    /** A rejection not tied to one position (e.g. a selector that would match every stream). */
    public LogQlParseException(String message) {
        super(message);
        this.line = 0;
        this.column = 0;
    }

    /** 1-based line of the offending token, 0 when the error has no position. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending token, 0 when the error has no position. */
    public int column() {
        return column;
    }
}
