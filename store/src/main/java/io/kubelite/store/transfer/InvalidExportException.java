package io.kubelite.store.transfer;

/**
 * The input is not a complete, intact kubelite export. The message names the line
 * (1-based) and what is wrong with it; nothing has been written when this is thrown
 * by {@link StoreImporter}.
 */
public final class InvalidExportException extends RuntimeException {
    private final long line;

    public InvalidExportException(long line, String problem) {
        super(line > 0 ? "line " + line + ": " + problem : problem);
        this.line = line;
    }

    /** The 1-based line the problem was found on; 0 when it concerns the whole file. */
    public long line() {
        return line;
    }
}
