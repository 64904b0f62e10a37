package io.kubelite.store.encryption;

import java.security.GeneralSecurityException;

/**
 * One key of one provider: seals a value for storage and opens it again. {@code context} is
 * the value's etcd key, bound into the ciphertext by the providers that authenticate it
 * (aesgcm), ignored by the others, as kube does. Implementations are thread-safe.
 */
interface ValueCipher {
    byte[] seal(byte[] plain, byte[] context) throws GeneralSecurityException;

    /** Throws when the value was not sealed by this key (or was tampered with). */
    byte[] open(byte[] sealed, byte[] context) throws GeneralSecurityException;
}
