package io.kubelite.store.encryption;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * kube's {@code secretbox} provider: a random 24-byte nonce, then NaCl's secretbox of the
 * value (XSalsa20 and Poly1305: the 16-byte tag, then the ciphertext), as Go's
 * {@code golang.org/x/crypto/nacl/secretbox} writes it. The JDK has neither primitive, so
 * BouncyCastle's are used; the construction (first 32 keystream bytes are the one-time
 * Poly1305 key, the rest encrypts) is NaCl's.
 */
final class SecretboxCipher implements ValueCipher {
    private static final int NONCE_BYTES = 24;
    private static final int TAG_BYTES = 16;
    private static final int MAC_KEY_BYTES = 32;

    private final byte[] key;
    private final SecureRandom random;

    SecretboxCipher(byte[] key, SecureRandom random) {
        this.key = key.clone();
        this.random = random;
    }

    @Override
    public byte[] seal(byte[] plain, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        XSalsa20Engine stream = stream(nonce);
        byte[] macKey = macKey(stream);
        byte[] out = new byte[NONCE_BYTES + TAG_BYTES + plain.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        stream.processBytes(plain, 0, plain.length, out, NONCE_BYTES + TAG_BYTES);
        byte[] tag = tag(macKey, out, NONCE_BYTES + TAG_BYTES, plain.length);
        System.arraycopy(tag, 0, out, NONCE_BYTES, TAG_BYTES);
        return out;
    }

    @Override
    public byte[] open(byte[] sealed, byte[] context) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new GeneralSecurityException("the stored data was shorter than the required size");
        }
        XSalsa20Engine stream = stream(Arrays.copyOf(sealed, NONCE_BYTES));
        byte[] macKey = macKey(stream);
        int start = NONCE_BYTES + TAG_BYTES;
        int len = sealed.length - start;
        byte[] expected = tag(macKey, sealed, start, len);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(sealed, NONCE_BYTES, start))) {
            throw new GeneralSecurityException("failed to decrypt: secretbox authentication failed");
        }
        byte[] plain = new byte[len];
        stream.processBytes(sealed, start, len, plain, 0);
        return plain;
    }

    private XSalsa20Engine stream(byte[] nonce) {
        XSalsa20Engine e = new XSalsa20Engine();
        e.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return e;
    }

    private static byte[] macKey(XSalsa20Engine stream) {
        byte[] k = new byte[MAC_KEY_BYTES];
        stream.processBytes(new byte[MAC_KEY_BYTES], 0, MAC_KEY_BYTES, k, 0);
        return k;
    }

    private static byte[] tag(byte[] macKey, byte[] data, int off, int len) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(data, off, len);
        byte[] tag = new byte[TAG_BYTES];
        mac.doFinal(tag, 0);
        return tag;
    }
}
