package io.kubelite.store.encryption;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What kube's prefix {@code k8s:enc:<provider>:v1:<key name>:} says about a stored value:
 * which provider and key encrypted it and how many bytes follow the prefix. Read without
 * any key, so {@code kl inspect etcd} can show it for values it cannot decrypt.
 */
public record EncryptedValue(String provider, String keyName, int size) {
    /** The provider that stores values as they are (no prefix). */
    public static final String IDENTITY = "identity";

    private static final String MARK = "k8s:enc:";
    private static final int MAX_HEADER = 256;

    /** True when {@code value} starts with kube's encryption mark {@code k8s:enc:}. */
    public static boolean isEncrypted(byte[] value) {
        if (value.length < MARK.length()) {
            return false;
        }
        for (int i = 0; i < MARK.length(); i++) {
            if (value[i] != MARK.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The prefix a provider's key puts before its ciphertext. */
    public static byte[] prefix(String provider, String keyName) {
        return (MARK + provider + ":v1:" + keyName + ":").getBytes(StandardCharsets.UTF_8);
    }

    /** Provider, key name and ciphertext size of an encrypted value; empty for any other value. */
    public static Optional<EncryptedValue> parse(byte[] value) {
        if (!isEncrypted(value)) {
            return Optional.empty();
        }
        // k8s:enc:<provider>:v1:<key>: — four colons after the mark's own two
        int colons = 0;
        int end = Math.min(value.length, MAX_HEADER);
        for (int i = MARK.length(); i < end; i++) {
            if (value[i] == ':' && ++colons == 3) {
                String header = new String(value, MARK.length(), i - MARK.length(), StandardCharsets.UTF_8);
                String[] parts = header.split(":", -1);
                if (parts.length != 3 || !parts[1].equals("v1")) {
                    return Optional.empty();
                }
                return Optional.of(new EncryptedValue(parts[0], parts[2], value.length - i - 1));
            }
        }
        return Optional.empty();
    }
}
