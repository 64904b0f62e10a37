package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.Envelope;
import io.kubelite.kinds.Resource;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A custom resource's objects in real etcd: keyed {@code <prefix>/<group>/<plural>/<ns>/<name>} as
 * kube keys them, stored as their JSON in the Envelope (storage version 100), with the same
 * create/update/list semantics (uid, resourceVersion, optimistic concurrency) as every kind.
 */
class CustomObjectStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Resource<CustomObject> CRONTABS = new Resource<>(
            "stable.example.com", "v1", "CronTab", "crontabs", true, CustomObject.getDefaultInstance(), List.of("ct"));

    private Etcd etcd;
    private ObjectStore<CustomObject> crontabs;

    @BeforeEach
    void setUp() {
        etcd = ETCD.connect(ETCD.newPrefix());
        crontabs = new Store(etcd).of(CRONTABS);
    }

    private static CustomObject crontab(String name, long replicas) {
        return ApiJson.parse(
                        "{\"apiVersion\":\"stable.example.com/v1\",\"kind\":\"CronTab\",\"metadata\":{\"name\":\""
                                + name
                                + "\",\"namespace\":\"default\"},\"spec\":{\"cronSpec\":\"* * * * */5\",\"replicas\":"
                                + replicas + "}}",
                        CustomObject.getDefaultInstance())
                .message();
    }

    @Test
    void storedAsJsonUnderTheGroupAndReadBackExactly() throws Exception {
        CustomObject created =
                crontabs.create(crontab("nightly", 9007199254740993L)).join();
        assertThat(created.getMetadata().getUid()).hasSize(36);
        assertThat(created.getKind()).isEqualTo("CronTab");
        assertThat(created.getApiVersion()).isEqualTo("stable.example.com/v1");

        String key = etcd.prefix() + "/stable.example.com/crontabs/default/nightly";
        var kv = etcd.client()
                .getKVClient()
                .get(Etcd.bytes(key))
                .get(10, TimeUnit.SECONDS)
                .getKvs();
        assertThat(kv).as("the object at %s", key).hasSize(1);
        byte[] value = kv.get(0).getValue().getBytes();
        Envelope env = ObjectCodec.envelope(key, value);
        assertThat(env.getStorageVersion()).isEqualTo(ObjectCodec.JSON_STORAGE_VERSION);
        assertThat(env.getApiVersion() + " " + env.getKind()).isEqualTo("stable.example.com/v1 CronTab");
        String json = env.getRaw().toString(StandardCharsets.UTF_8);
        assertThat(json)
                .startsWith("{\"metadata\":{\"name\":\"nightly\",\"namespace\":\"default\",\"uid\":")
                .contains("\"spec\":{\"cronSpec\":\"* * * * */5\",\"replicas\":9007199254740993}")
                .doesNotContain("resourceVersion", "apiVersion");

        assertThat(crontabs.get("default", "nightly").join()).isEqualTo(created);
        CustomObject any =
                (CustomObject) ObjectCodec.decodeAny(key, value, kv.get(0).getModRevision());
        assertThat(any).isEqualTo(created);
    }

    @Test
    void updatesAreRevisionCheckedAndListsSeeEveryObject() {
        CustomObject a = crontabs.create(crontab("a", 1)).join();
        crontabs.create(crontab("b", 2)).join();
        CustomObject changed = ApiJson.parse(
                        ApiJson.toJson(a).replace("\"replicas\":1", "\"replicas\":3"),
                        CustomObject.getDefaultInstance())
                .message();
        CustomObject updated = crontabs.update(changed).join();
        assertThat(updated.getContent()).contains("\"replicas\":3");
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(a.getMetadata().getResourceVersion()));
        Throwable stale = crontabs.update(changed).handle((v, e) -> e).join();
        assertThat(stale).as("an update from the old resourceVersion").hasCauseInstanceOf(ConflictException.class);
        assertThat(crontabs.list(ListOptions.<CustomObject>all()).join().items())
                .extracting(o -> o.getMetadata().getName())
                .containsExactly("a", "b");
    }

    @Test
    void anotherVersionReadsTheSameObjectsWithItsOwnApiVersion() {
        crontabs.create(crontab("shared", 1)).join();
        Resource<CustomObject> v2 = new Resource<>(
                "stable.example.com", "v2", "CronTab", "crontabs", true, CustomObject.getDefaultInstance(), List.of());
        CustomObject read = new Store(etcd).of(v2).get("default", "shared").join();
        assertThat(read.getApiVersion())
                .as("None conversion: apiVersion rewritten")
                .isEqualTo("stable.example.com/v2");
        assertThat(read.getContent()).contains("\"replicas\":1");
    }

    @Test
    void deletingAllObjectsHappensOnlyWhileTheOwnerKeyIsAbsent() throws Exception {
        crontabs.create(crontab("x", 1)).join();
        crontabs.create(crontab("y", 2)).join();
        String crdKey = etcd.prefix() + "/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com";
        etcd.client()
                .getKVClient()
                .put(Etcd.bytes(crdKey), Etcd.bytes("a re-created CRD"))
                .get(10, TimeUnit.SECONDS);
        assertThat(crontabs.deleteAllObjectsUnless(crdKey).join())
                .as("deleted while the CRD exists (re-created after the deletion this replica saw late)")
                .isZero();
        assertThat(crontabs.list(ListOptions.<CustomObject>all()).join().items())
                .hasSize(2);

        etcd.client().getKVClient().delete(Etcd.bytes(crdKey)).get(10, TimeUnit.SECONDS);
        assertThat(crontabs.deleteAllObjectsUnless(crdKey).join()).isEqualTo(2L);
        assertThat(crontabs.list(ListOptions.<CustomObject>all()).join().items())
                .isEmpty();
    }
}
