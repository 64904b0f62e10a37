package io.kubelite.store.runtime;

/**
 * A process could not start. The message is one line meant for a user (printed to
 * stderr by {@link ComponentMain#run()}), e.g. {@code kubelite scheduler: etcd at
 * 127.0.0.1:2379 did not answer within 30s; ...}; the cause, if any, is for the log.
 */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
