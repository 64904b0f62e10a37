package io.kubelite.store.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kube's {@code aesgcm} provider: a random 12-byte nonce, then AES-GCM's ciphertext and
 * 16-byte tag, with the etcd key as additional authenticated data, so a value copied to
 * another key does not open.
 */
final class AesGcmCipher implements ValueCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    AesGcmCipher(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    @Override
    public byte[] seal(byte[] plain, byte[] context) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(context);
        byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + c.getOutputSize(plain.length));
        c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
        return out;
    }

    @Override
    public byte[] open(byte[] sealed, byte[] context) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES) {
            throw new GeneralSecurityException("the stored data was shorter than the required size");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
        c.updateAAD(context);
        return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }
}
