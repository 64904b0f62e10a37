package io.kubelite.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Secret;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.store.CorruptException;
import io.kubelite.store.Etcd;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectList;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.UntransformableException;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets through the typed store with encryption at rest, against a real etcd: what lands in
 * etcd, how a value no key can read is reported per object (get fails, list skips it, a
 * watch reports it and goes on), and that an unchanged update rewrites a stale value.
 */
class EncryptedObjectStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final StorageEncryption OLD = StorageEncryption.parse(
            StorageEncryptionTest.config(StorageEncryptionTest.provider("aesgcm", "old", StorageEncryptionTest.KEY_32)),
            "old");
    static final StorageEncryption ROTATED = StorageEncryption.parse(
            StorageEncryptionTest.config(StorageEncryptionTest.provider("aesgcm", "new", StorageEncryptionTest.OTHER_32)
                    + StorageEncryptionTest.provider("aesgcm", "old", StorageEncryptionTest.KEY_32)),
            "rotated");
    static final StorageEncryption ONLY_NEW = StorageEncryption.parse(
            StorageEncryptionTest.config(
                    StorageEncryptionTest.provider("aesgcm", "new", StorageEncryptionTest.OTHER_32)),
            "only-new");

    private final String prefix = ETCD.newPrefix();
    private final List<Etcd> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Etcd::close);
    }

    private ObjectStore<Secret> secrets(StorageEncryption enc) {
        Etcd etcd = Etcd.connect(ETCD.config(prefix), enc);
        opened.add(etcd);
        return new Store(etcd).of(SecretKind.RESOURCE);
    }

    private static Secret secret(String name, String value) {
        return Secret.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .putData("password", ByteString.copyFromUtf8(value))
                .build();
    }

    private byte[] raw(String name) {
        Etcd etcd = opened.get(0);
        String key = prefix + "/secrets/default/" + name;
        return etcd.client()
                .getKVClient()
                .get(Etcd.bytes(key))
                .join()
                .getKvs()
                .get(0)
                .getValue()
                .getBytes();
    }

    @Test
    void valuesInEtcdCarryKubesPrefixAndNoPlaintext() {
        ObjectStore<Secret> s = secrets(OLD);
        s.create(secret("db", "hunter2-plaintext")).join();
        String stored = new String(raw("db"), StandardCharsets.ISO_8859_1);
        assertThat(stored).startsWith("k8s:enc:aesgcm:v1:old:").doesNotContain("hunter2-plaintext");
        assertThat(s.get("default", "db").join().getDataMap().get("password").toStringUtf8())
                .isEqualTo("hunter2-plaintext");
    }

    @Test
    void anUnchangedUpdateRewritesAValueOfAStaleKeyAndOnlyThen() {
        secrets(OLD).create(secret("db", "v")).join();
        ObjectStore<Secret> rotated = secrets(ROTATED);
        Secret before = rotated.get("default", "db").join();
        Secret after = rotated.guaranteedUpdate("default", "db", cur -> cur).join();
        assertThat(Long.parseLong(after.getMetadata().getResourceVersion()))
                .as("a stale value is rewritten")
                .isGreaterThan(Long.parseLong(before.getMetadata().getResourceVersion()));
        assertThat(EncryptedValue.parse(raw("db")).orElseThrow().keyName()).isEqualTo("new");
        Secret again = rotated.guaranteedUpdate("default", "db", cur -> cur).join();
        assertThat(again.getMetadata().getResourceVersion())
                .as("a value of the current key is not rewritten")
                .isEqualTo(after.getMetadata().getResourceVersion());
    }

    @Test
    void aValueNoKeyCanReadIsReportedPerObjectAndTheRestIsServed() throws Exception {
        secrets(OLD).create(secret("lost", "x")).join();
        ObjectStore<Secret> onlyNew = secrets(ONLY_NEW);
        onlyNew.create(secret("fine", "y")).join();

        assertThatThrownBy(() -> onlyNew.get("default", "lost").join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(UntransformableException.class)
                .hasMessageStartingWith("unable to transform key \"" + prefix + "/secrets/default/lost\": no matching"
                        + " prefix found: the value is encrypted with aesgcm key \"old\"");

        ObjectList<Secret> list = onlyNew.list(ListOptions.all()).join();
        assertThat(list.items()).extracting(x -> x.getMetadata().getName()).containsExactly("fine");
        assertThat(list.corruptKeys()).containsExactly(prefix + "/secrets/default/lost");

        List<String> events = new CopyOnWriteArrayList<>();
        long from = list.revision() + 1;
        try (ResourceWatch<Secret> w = onlyNew.watch(null, from, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<Secret> e) {
                events.add(e.type() + " " + e.object().getMetadata().getName());
            }

            @Override
            public void onCorrupt(CorruptException error) {
                events.add("corrupt " + error.key());
            }

            @Override
            public void onExpired(ExpiredException error) {
                events.add("expired");
            }
        })) {
            secrets(OLD)
                    .guaranteedUpdate(
                            "default",
                            "lost",
                            x -> secret("lost", "x2").toBuilder()
                                    .setMetadata(x.getMetadata())
                                    .build())
                    .join();
            onlyNew.create(secret("later", "z")).join();
            Poll.until(
                    Duration.ofSeconds(10),
                    "the watch to report the unreadable update and go on to the next object",
                    () -> List.copyOf(events),
                    e -> e.size() >= 2);
            assertThat(events).containsExactly("corrupt " + prefix + "/secrets/default/lost", "ADDED later");
        }
    }
}
