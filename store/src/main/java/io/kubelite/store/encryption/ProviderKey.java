package io.kubelite.store.encryption;

import java.nio.charset.StandardCharsets;

/**
 * One entry of a provider chain: kube's value prefix {@code k8s:enc:<provider>:v1:<key>:}
 * and the key's cipher; {@code identity} has no prefix and no cipher.
 */
record ProviderKey(String provider, String keyName, byte[] prefix, ValueCipher cipher) {
    static ProviderKey identity() {
        return new ProviderKey(EncryptedValue.IDENTITY, "", new byte[0], null);
    }

    static ProviderKey of(String provider, String keyName, ValueCipher cipher) {
        return new ProviderKey(provider, keyName, EncryptedValue.prefix(provider, keyName), cipher);
    }

    boolean isIdentity() {
        return cipher == null;
    }

    boolean matches(byte[] value) {
        if (value.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (value[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return isIdentity() ? provider : provider + ":" + keyName;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
