package io.kubelite.store.encryption;

import io.kubelite.store.UntransformableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/**
 * The providers of one {@code resources[]} entry, flattened to their keys in order: the
 * first key writes, every key reads the values carrying its prefix. As in kube, a value read
 * by any but the first key is <em>stale</em>: an update must rewrite it even when the object
 * did not change, which is how {@code kubectl replace} re-encrypts after a key rotation.
 */
final class ProviderChain {
    private final List<ProviderKey> keys;

    ProviderChain(List<ProviderKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a provider chain needs at least one provider");
        }
        this.keys = List.copyOf(keys);
    }

    /** The chain of a resource no rule covers: plain values, as kube's identity. */
    static ProviderChain identity() {
        return new ProviderChain(List.of(ProviderKey.identity()));
    }

    ProviderKey writer() {
        return keys.get(0);
    }

    List<ProviderKey> keys() {
        return keys;
    }

    byte[] toStorage(String etcdKey, byte[] plain) {
        ProviderKey w = writer();
        if (w.isIdentity()) {
            return plain;
        }
        try {
            byte[] sealed = w.cipher().seal(plain, etcdKey.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(w.prefix(), w.prefix().length + sealed.length);
            System.arraycopy(sealed, 0, out, w.prefix().length, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            // the JDK's AES and BouncyCastle's secretbox do not fail on valid keys: a broken runtime
            throw new IllegalStateException("cannot encrypt " + etcdKey + " with " + w + ": " + e.getMessage(), e);
        }
    }

    FromStorage fromStorage(String etcdKey, byte[] stored) {
        for (int i = 0; i < keys.size(); i++) {
            ProviderKey k = keys.get(i);
            if (!k.matches(stored)) {
                continue;
            }
            if (k.isIdentity()) {
                if (EncryptedValue.isEncrypted(stored)) {
                    // identity listed first is how a cluster migrates away from encryption: try the others
                    continue;
                }
                return new FromStorage(stored, i != 0);
            }
            byte[] body = Arrays.copyOfRange(stored, k.prefix().length, stored.length);
            try {
                return new FromStorage(k.cipher().open(body, etcdKey.getBytes(StandardCharsets.UTF_8)), i != 0);
            } catch (GeneralSecurityException e) {
                throw new UntransformableException(
                        etcdKey, k.provider() + " key \"" + k.keyName() + "\" cannot decrypt it: " + e.getMessage());
            }
        }
        String why = EncryptedValue.parse(stored)
                .map(v -> "no matching prefix found: the value is encrypted with " + v.provider() + " key \""
                        + v.keyName() + "\", which --encryption-provider-config does not list for this resource")
                .orElse("no matching prefix found: the value is not encrypted and the providers ("
                        + String.join(
                                ", ", keys.stream().map(ProviderKey::toString).toList())
                        + ") do not include identity");
        throw new UntransformableException(etcdKey, why);
    }
}
