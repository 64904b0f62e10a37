package io.kubelite.store.transfer;

/**
 * The import would clash with data already in the target: the target prefix holds
 * keys (and {@code force} was not given), or a key was created there while importing.
 */
public final class ImportRefusedException extends RuntimeException {
    public ImportRefusedException(String message) {
        super(message);
    }
}
