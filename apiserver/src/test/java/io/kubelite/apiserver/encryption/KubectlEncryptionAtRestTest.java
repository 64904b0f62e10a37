package io.kubelite.apiserver.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.Etcd;
import io.kubelite.store.encryption.EncryptedValue;
import io.kubelite.store.encryption.StorageEncryption;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest and key rotation as kube documents them, with the real kubectl against
 * an API server restarted on each new EncryptionConfiguration file, over one real etcd:
 * plain secrets, then encrypt-all by {@code kubectl get secrets -A -o json | kubectl replace -f -},
 * a new first key and the same rewrite, then the old key dropped. What etcd holds is read
 * raw after each step.
 */
class KubectlEncryptionAtRestTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String KEY1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final String KEY2 = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    @TempDir
    Path dir;

    private final String prefix = ETCD.newPrefix();
    private Etcd etcd;
    private TestApiServer api;
    private Kubectl kubectl;
    private int restarts;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** Restarts the API server as `--encryption-provider-config <providers>` would start it. */
    private void restartWith(String providers) throws Exception {
        stop();
        StorageEncryption enc = StorageEncryption.NONE;
        if (providers != null) {
            Path file = dir.resolve("encryption-" + (++restarts) + ".yaml");
            Files.writeString(
                    file,
                    "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                            + "- resources: [secrets]\n  providers:\n" + providers);
            enc = StorageEncryption.load(file);
        }
        etcd = Etcd.connect(ETCD.config(prefix), enc);
        api = TestApiServer.start(etcd, ApiServerConfig.local());
        kubectl = Kubectl.find(Files.createDirectories(dir.resolve("kubectl-" + restarts)), api.url(), null, null);
    }

    private static String aesgcm(String name, String secret) {
        return "  - aesgcm:\n      keys:\n      - name: " + name + "\n        secret: " + secret + "\n";
    }

    private static final String IDENTITY = "  - identity: {}\n";

    /** What etcd holds for each secret: its encryption key name, or "plain". */
    private Map<String, String> storedKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        String p = prefix + "/secrets/";
        var kvs = etcd.client()
                .getKVClient()
                .get(
                        Etcd.bytes(p),
                        io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
                .join()
                .getKvs();
        for (var kv : kvs) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(p.length());
            byte[] value = kv.getValue().getBytes();
            String text = new String(value, StandardCharsets.ISO_8859_1);
            if (text.contains("s3cr3t-")) {
                out.put(key, "PLAINTEXT");
            } else {
                out.put(
                        key,
                        EncryptedValue.parse(value)
                                .map(v -> v.provider() + ":" + v.keyName())
                                .orElse("plain"));
            }
        }
        return out;
    }

    private void replaceAllSecrets() {
        String all = kubectl.run("get", "secrets", "-A", "-o", "json").ok();
        // --validate=false: kubectl replace validates against the protobuf OpenAPI v2 document, which
        // the API server does not serve (406); the rewrite itself is what kube documents
        Kubectl.Result r = kubectl.run(all, Map.of(), "replace", "--validate=false", "-f", "-");
        assertThat(r.exitCode()).as("kubectl replace: %s", r.err()).isZero();
    }

    @Test
    void encryptRotateAndDropTheOldKeyWithKubectlReplace() throws Exception {
        restartWith(null);
        kubectl.run("create", "namespace", "team").ok();
        kubectl.run("create", "secret", "generic", "db", "--from-literal=password=s3cr3t-db")
                .ok();
        kubectl.run("create", "secret", "generic", "api", "-n", "team", "--from-literal=token=s3cr3t-api")
                .ok();
        assertThat(storedKeys()).containsOnly(Map.entry("default/db", "PLAINTEXT"), Map.entry("team/api", "PLAINTEXT"));

        // encrypt everything: key1 first, identity still reads the plain values
        restartWith(aesgcm("key1", KEY1) + IDENTITY);
        kubectl.run("create", "secret", "generic", "new", "--from-literal=v=s3cr3t-new")
                .ok();
        assertThat(storedKeys()).containsEntry("default/new", "aesgcm:key1").containsEntry("default/db", "PLAINTEXT");
        replaceAllSecrets();
        assertThat(storedKeys())
                .containsOnly(
                        Map.entry("default/db", "aesgcm:key1"),
                        Map.entry("default/new", "aesgcm:key1"),
                        Map.entry("team/api", "aesgcm:key1"));

        // rotate: key2 first, key1 still reads; replace rewrites even though no object changed
        restartWith(aesgcm("key2", KEY2) + aesgcm("key1", KEY1) + IDENTITY);
        assertThat(kubectl.run("get", "secret", "db", "-o", "jsonpath={.data.password}")
                        .ok())
                .isEqualTo(Base64.getEncoder().encodeToString("s3cr3t-db".getBytes()));
        replaceAllSecrets();
        assertThat(storedKeys())
                .containsOnly(
                        Map.entry("default/db", "aesgcm:key2"),
                        Map.entry("default/new", "aesgcm:key2"),
                        Map.entry("team/api", "aesgcm:key2"));

        // drop key1: everything still reads
        restartWith(aesgcm("key2", KEY2));
        assertThat(kubectl.run("get", "secret", "api", "-n", "team", "-o", "jsonpath={.data.token}")
                        .ok())
                .isEqualTo(Base64.getEncoder().encodeToString("s3cr3t-api".getBytes()));
    }

    @Test
    void aSecretNoConfiguredKeyCanReadFailsAloneWithKubesMessage() throws Exception {
        restartWith(aesgcm("key1", KEY1));
        kubectl.run("create", "secret", "generic", "orphan", "--from-literal=v=s3cr3t-o")
                .ok();
        restartWith(aesgcm("key2", KEY2));
        kubectl.run("create", "secret", "generic", "fine", "--from-literal=v=s3cr3t-f")
                .ok();

        Kubectl.Result get = kubectl.run("get", "secret", "orphan");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.err())
                .contains("Internal error occurred: unable to transform key \"" + prefix
                        + "/secrets/default/orphan\": no matching prefix found: the value is encrypted with aesgcm key"
                        + " \"key1\"");
        assertThat(kubectl.run("get", "secrets", "-o", "name").ok()).isEqualTo("secret/fine\n");
        // as in kube (without its alpha unsafe-delete option), a delete must read the object first and fails alike
        Kubectl.Result delete = kubectl.run("delete", "secret", "orphan");
        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.err()).contains("unable to transform key");
        assertThat(storedKeys())
                .containsOnly(Map.entry("default/orphan", "aesgcm:key1"), Map.entry("default/fine", "aesgcm:key2"));
    }
}
