package io.kubelite.store.encryption;

/**
 * An EncryptionConfiguration that cannot be used; the message names the file and the field
 * as kube's validation does ({@code resources[0].providers[1].aesgcm.keys[0].secret: ...})
 * and never contains a secret.
 */
public final class EncryptionConfigException extends IllegalArgumentException {
    public EncryptionConfigException(String message) {
        super(message);
    }

    public EncryptionConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
