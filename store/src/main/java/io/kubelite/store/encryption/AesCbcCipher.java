package io.kubelite.store.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kube's {@code aescbc} provider: a random 16-byte IV, then AES-CBC with PKCS#7 padding.
 * Unauthenticated, as kube's is (kube no longer recommends it; it is here so a kube
 * configuration using it works unchanged).
 */
final class AesCbcCipher implements ValueCipher {
    private static final int IV_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random;

    AesCbcCipher(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    @Override
    public byte[] seal(byte[] plain, byte[] context) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        // the JDK's PKCS5Padding is PKCS#7 for AES's 16-byte blocks
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        byte[] out = Arrays.copyOf(iv, IV_BYTES + c.getOutputSize(plain.length));
        int n = c.doFinal(plain, 0, plain.length, out, IV_BYTES);
        return Arrays.copyOf(out, IV_BYTES + n);
    }

    @Override
    public byte[] open(byte[] sealed, byte[] context) throws GeneralSecurityException {
        if (sealed.length < IV_BYTES) {
            throw new GeneralSecurityException("the stored data was shorter than the required size");
        }
        if ((sealed.length - IV_BYTES) % IV_BYTES != 0) {
            throw new GeneralSecurityException("the stored data is not a multiple of the block size");
        }
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(sealed, 0, IV_BYTES));
        return c.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    }
}
