package io.kubelite.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.store.UntransformableException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kube's EncryptionConfiguration: the value layout of each provider (checked against values
 * made by other implementations: Python's cryptography for AES, libsodium for secretbox),
 * provider order, staleness, and the validation errors a user sees.
 */
class StorageEncryptionTest {
    static final String KEY_32 = Base64.getEncoder().encodeToString(range(0, 32));
    static final String OTHER_32 = Base64.getEncoder().encodeToString(range(100, 132));
    static final String ETCD_KEY = "/registry/secrets/default/s1";
    static final byte[] PLAIN = "k8l\0kube-compatible value".getBytes(StandardCharsets.ISO_8859_1);

    static String config(String providers) {
        return "apiVersion: apiserver.config.k8s.io/v1\n"
                + "kind: EncryptionConfiguration\n"
                + "resources:\n"
                + "- resources: [secrets]\n"
                + "  providers:\n"
                + providers;
    }

    static String provider(String type, String name, String secret) {
        return "  - " + type + ":\n      keys:\n      - name: " + name + "\n        secret: " + secret + "\n";
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // AES-GCM by Python's cryptography: nonce(12) || ciphertext || tag, AAD = the etcd key
                "azhzOmVuYzphZXNnY206djE6azE6ZGVmZ2hpamtsbW5vIyOyZhKcNPsTATCFqgQelCCuYyr9DZ8HwrZKHM+FXuJIUmuSXi83JcY=",
                // AES-CBC by Python's cryptography: IV(16) || ciphertext with PKCS#7 padding
                "azhzOmVuYzphZXNjYmM6djE6azE6yMnKy8zNzs/Q0dLT1NXW1xxhvus3jzh00s90+AfAXJ6wC569VXQBD1nstPhPKX7o",
                // secretbox by libsodium: nonce(24) || tag(16) || ciphertext
                "azhzOmVuYzpzZWNyZXRib3g6djE6azE6MjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJd/zJo5jakA6YLac2wKd7wUU8Pf6SvpADTzRux9D5th9GaigY+YMWTv4="
            })
    void decryptsValuesWrittenByOtherImplementationsOfKubesFormat(String stored) {
        byte[] value = Base64.getDecoder().decode(stored);
        String type = EncryptedValue.parse(value).orElseThrow().provider();
        StorageEncryption enc = StorageEncryption.parse(config(provider(type, "k1", KEY_32)), "test");
        FromStorage got = enc.fromStorage(SecretKind.RESOURCE, ETCD_KEY, value);
        assertThat(new String(got.plain(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(PLAIN, StandardCharsets.ISO_8859_1));
        assertThat(got.stale()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aesgcm", "aescbc", "secretbox"})
    void writesWithKubesPrefixAndReadsBack(String type) {
        StorageEncryption enc = StorageEncryption.parse(config(provider(type, "key1", KEY_32)), "test");
        byte[] stored = enc.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).startsWith("k8s:enc:" + type + ":v1:key1:");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("kube-compatible");
        assertThat(EncryptedValue.parse(stored))
                .contains(new EncryptedValue(type, "key1", stored.length - ("k8s:enc:" + type + ":v1:key1:").length()));
        assertThat(enc.fromStorage(SecretKind.RESOURCE, ETCD_KEY, stored).plain())
                .isEqualTo(PLAIN);
        // two writes of the same value differ: a fresh nonce each time
        assertThat(enc.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN)).isNotEqualTo(stored);
    }

    @Test
    void anAesGcmValueCopiedToAnotherKeyDoesNotOpen() {
        StorageEncryption enc = StorageEncryption.parse(config(provider("aesgcm", "key1", KEY_32)), "test");
        byte[] stored = enc.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThatThrownBy(() -> enc.fromStorage(SecretKind.RESOURCE, "/registry/secrets/default/other", stored))
                .isInstanceOf(UntransformableException.class)
                .hasMessageStartingWith(
                        "unable to transform key \"/registry/secrets/default/other\": aesgcm key \"key1\" cannot decrypt");
    }

    @Test
    void theFirstKeyWritesAndAValueOfALaterKeyIsStale() {
        StorageEncryption old = StorageEncryption.parse(config(provider("aesgcm", "old", KEY_32)), "old");
        StorageEncryption rotated = StorageEncryption.parse(
                config(provider("aesgcm", "new", OTHER_32) + provider("aesgcm", "old", KEY_32)), "rotated");
        byte[] byOld = old.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        FromStorage read = rotated.fromStorage(SecretKind.RESOURCE, ETCD_KEY, byOld);
        assertThat(read.plain()).isEqualTo(PLAIN);
        assertThat(read.stale()).isTrue();
        byte[] byNew = rotated.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThat(EncryptedValue.parse(byNew).orElseThrow().keyName()).isEqualTo("new");
        assertThat(rotated.fromStorage(SecretKind.RESOURCE, ETCD_KEY, byNew).stale())
                .isFalse();
        // once the old key is dropped, its values are reported, not misread
        StorageEncryption dropped = StorageEncryption.parse(config(provider("aesgcm", "new", OTHER_32)), "dropped");
        assertThatThrownBy(() -> dropped.fromStorage(SecretKind.RESOURCE, ETCD_KEY, byOld))
                .isInstanceOf(UntransformableException.class)
                .hasMessage("unable to transform key \"" + ETCD_KEY + "\": no matching prefix found: the value is"
                        + " encrypted with aesgcm key \"old\", which --encryption-provider-config does not list for"
                        + " this resource");
    }

    @Test
    void plainValuesReadThroughIdentityAndAreStaleWhenEncryptionComesFirst() {
        StorageEncryption enc =
                StorageEncryption.parse(config(provider("secretbox", "k", KEY_32) + "  - identity: {}\n"), "test");
        FromStorage plain = enc.fromStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThat(plain.plain()).isEqualTo(PLAIN);
        assertThat(plain.stale()).isTrue();
        // identity first: a migration away from encryption still reads the encrypted values
        StorageEncryption away =
                StorageEncryption.parse(config("  - identity: {}\n" + provider("secretbox", "k", KEY_32)), "test");
        byte[] sealed = enc.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThat(away.fromStorage(SecretKind.RESOURCE, ETCD_KEY, sealed).plain())
                .isEqualTo(PLAIN);
        assertThat(away.fromStorage(SecretKind.RESOURCE, ETCD_KEY, sealed).stale())
                .isTrue();
        assertThat(away.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN)).isEqualTo(PLAIN);
    }

    @Test
    void resourcesOutsideTheRulesStayPlainAndWildcardsMatchGroups() {
        StorageEncryption enc = StorageEncryption.parse(
                "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                        + "- resources: [secrets, '*.apps']\n  providers:\n" + provider("aesgcm", "k", KEY_32),
                "test");
        assertThat(enc.encrypts(SecretKind.RESOURCE)).isTrue();
        assertThat(enc.encrypts(DeploymentKind.RESOURCE)).isTrue();
        assertThat(enc.encrypts(ConfigMapKind.RESOURCE)).isFalse();
        assertThat(enc.toStorage(ConfigMapKind.RESOURCE, "/registry/configmaps/default/c", PLAIN))
                .isEqualTo(PLAIN);
        byte[] sealed = enc.toStorage(SecretKind.RESOURCE, ETCD_KEY, PLAIN);
        assertThatThrownBy(() -> enc.fromStorage(ConfigMapKind.RESOURCE, ETCD_KEY, sealed))
                .isInstanceOf(UntransformableException.class);
    }

    @Test
    void badConfigurationsNameTheFieldAndNeverTheSecret() {
        assertBad(
                config(provider("aesgcm", "k", "c2hvcnQ=")),
                "f.yaml: resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: \"REDACTED\": secret is not of"
                        + " the expected length, got 5, expected one of [16, 24, 32]");
        assertBad(
                config(provider("secretbox", "k", Base64.getEncoder().encodeToString(new byte[16]))),
                "f.yaml: resources[0].providers[0].secretbox.keys[0].secret: Invalid value: \"REDACTED\": secret is"
                        + " not of the expected length, got 16, expected one of [32]");
        assertBad(
                config(provider("aesgcm", "k", "not*base64")),
                "f.yaml: resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: \"REDACTED\": secrets must be"
                        + " base64 encoded");
        assertBad(
                config(provider("aesgcm", "", KEY_32)),
                "f.yaml: resources[0].providers[0].aesgcm.keys[0].name: Required value: key name is required");
        assertBad(
                config(provider("aesgcm", "a", KEY_32)
                        .replace("keys:\n", "keys:\n      - name: a\n        secret: " + KEY_32 + "\n")),
                "f.yaml: resources[0].providers[0].aesgcm.keys[1].name: Duplicate value: \"a\"");
        assertBad(
                config("  - aesgcmm:\n      keys: []\n"),
                "f.yaml: resources[0].providers[0].aesgcmm: Unsupported value: \"aesgcmm\": supported providers:"
                        + " aesgcm, aescbc, secretbox, identity");
        assertBad(
                config("  - kms:\n      name: vault\n"),
                "f.yaml: resources[0].providers[0].kms: Unsupported value: kubelite has no KMS plugin support; use"
                        + " aesgcm, aescbc or secretbox");
        assertBad(
                config("  - identity: {}\n    aesgcm: {}\n"),
                "f.yaml: resources[0].providers[0]: Invalid value: more than one provider specified in a single"
                        + " element, should split into different list elements");
        assertBad(
                config("  - identity: {}\n").replace("apiserver.config.k8s.io/v1", "v1"),
                "f.yaml: apiVersion: Unsupported value: \"v1\": supported values: \"apiserver.config.k8s.io/v1\"");
        assertBad(
                config("  - identity: {}\n").replace("[secrets]", "[Secrets]"),
                "f.yaml: resources[0].resources[0]: Invalid value: \"Secrets\": resource name must be lowercase (the"
                        + " plural, as in \"secrets\" or \"deployments.apps\")");
        assertBad(
                config("  - identity: {}\n").replace("[secrets]", "['*.*', secrets]"),
                "f.yaml: resources[0].resources[1]: Invalid value: \"secrets\": resource \"secrets\" is masked by"
                        + " earlier rule \"*.*\" (resources[0].resources[0])");
        assertBad(
                "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [\n",
                "f.yaml: not valid YAML");
    }

    private static void assertBad(String yaml, String message) {
        assertThatThrownBy(() -> StorageEncryption.parse(yaml, "f.yaml"))
                .isInstanceOf(EncryptionConfigException.class)
                .hasMessageStartingWith(message)
                .message()
                .doesNotContain(KEY_32);
    }

    private static byte[] range(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }
}
