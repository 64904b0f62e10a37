package io.kubelite.store;

/**
 * The stored value is encrypted (or expected to be) and no configured provider can turn it
 * back into an object: a key missing from {@code --encryption-provider-config}, or a value
 * that fails authentication. Like any {@link CorruptException} it concerns one object: lists
 * skip it, watches report it, the API server answers 500 for that object alone. The message
 * is kube's: {@code unable to transform key "<etcd key>": <reason>}.
 */
public final class UntransformableException extends CorruptException {
    public UntransformableException(String key, String reason) {
        super(key, "unable to transform key \"" + key + "\": " + reason);
    }

    public UntransformableException(String key, String reason, Throwable cause) {
        super(key, "unable to transform key \"" + key + "\": " + reason, cause);
    }
}
