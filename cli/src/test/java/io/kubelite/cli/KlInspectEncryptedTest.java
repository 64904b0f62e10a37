package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kl inspect etcd} on a secret encrypted at rest: shown as encrypted, decoded only with the config. */
class KlInspectEncryptedTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String CONFIG = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"
            + "resources:\n- resources: [secrets]\n  providers:\n  - secretbox:\n      keys:\n      - name: box1\n"
            + "        secret: " + Base64.getEncoder().encodeToString(new byte[32]) + "\n";

    @TempDir
    Path dir;

    @Test
    void showsProviderKeyAndSizeAndDecodesOnlyWithTheEncryptionConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("enc.yaml"), CONFIG);
        String prefix = ETCD.newPrefix();
        try (Etcd etcd = Etcd.connect(ETCD.config(prefix), StorageEncryption.load(config))) {
            new Store(etcd)
                    .of(SecretKind.RESOURCE)
                    .create(Secret.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("db"))
                            .putData("password", ByteString.copyFromUtf8("visible-only-decrypted"))
                            .build())
                    .join();
        }
        String key = prefix + "/secrets/default/db";
        String endpoints = ETCD.cluster().endpointsString();

        KlRun.Result hidden =
                KlRun.against("http://127.0.0.1:1", "inspect", "etcd", key, "--etcd-endpoints", endpoints);
        assertThat(hidden.code()).as(hidden.err()).isZero();
        assertThat(hidden.out())
                .containsPattern("# encrypted: secretbox key box1, \\d+ bytes")
                .contains("encrypted at rest; give --encryption-provider-config to decode it")
                .doesNotContain(Base64.getEncoder().encodeToString("visible-only-decrypted".getBytes()));

        KlRun.Result json = KlRun.against(
                "http://127.0.0.1:1", "inspect", "etcd", key, "--etcd-endpoints", endpoints, "-o", "json");
        assertThat(json.out()).contains("\"provider\": \"secretbox\"", "\"keyName\": \"box1\"");

        KlRun.Result decoded = KlRun.against(
                "http://127.0.0.1:1",
                "inspect",
                "etcd",
                key,
                "--etcd-endpoints",
                endpoints,
                "--encryption-provider-config",
                config.toString());
        assertThat(decoded.code()).as(decoded.err()).isZero();
        assertThat(decoded.out())
                .containsPattern("# encrypted: secretbox key box1, \\d+ bytes")
                .contains("kind: Secret")
                .contains("password: " + Base64.getEncoder().encodeToString("visible-only-decrypted".getBytes()));
    }
}
