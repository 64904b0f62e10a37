package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.Envelope;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stored value format: envelope round trip for every resource, and what counts as corrupt. */
class ObjectCodecTest {

    private static <T extends Message> T sample(Resource<T> r) {
        ObjectMeta.Builder m = ObjectMeta.newBuilder()
                .setName("x")
                .setUid("u-1")
                .setGeneration(3)
                .setCreationTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000))
                .putLabels("app", "web")
                .putAnnotations("note", "hi")
                .setResourceVersion("999");
        if (r.namespaced()) {
            m.setNamespace("ns1");
        }
        return r.withMeta(r.prototype(), m.build());
    }

    @Test
    void everyResourceRoundTripsThroughTheEnvelope() {
        for (Resource<? extends Message> r : Kinds.stored()) {
            roundTrip(r);
        }
    }

    @Test
    void everyResourceIsWrittenAsTheEnvelopeMessageWouldBe() {
        for (Resource<? extends Message> r : Kinds.stored()) {
            if (!r.custom()) {
                sameBytesAsTheEnvelope(r);
            }
        }
    }

    private static <T extends Message> void sameBytesAsTheEnvelope(Resource<T> r) {
        sameBytesAsTheEnvelope(r, sample(r));
        sameBytesAsTheEnvelope(r, r.prototype()); // an empty object: no raw field at all
    }

    /** The value is the magic prefix and exactly the bytes of the Envelope message built the plain way. */
    private static <T extends Message> void sameBytesAsTheEnvelope(Resource<T> r, T obj) {
        byte[] env = Envelope.newBuilder()
                .setApiVersion(r.apiVersion())
                .setKind(r.kind())
                .setRaw(r.forStorage(obj).toByteString())
                .setStorageVersion(ObjectCodec.STORAGE_VERSION)
                .build()
                .toByteArray();
        byte[] expected = new byte[4 + env.length];
        System.arraycopy(new byte[] {'k', '8', 'l', 0}, 0, expected, 0, 4);
        System.arraycopy(env, 0, expected, 4, env.length);
        assertThat(ObjectCodec.encode(r, obj)).as(r.toString()).isEqualTo(expected);
    }

    private static <T extends Message> void roundTrip(Resource<T> r) {
        T obj = sample(r);
        byte[] bytes = ObjectCodec.encode(r, obj);
        assertThat(new String(bytes, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("k8l\0");

        T back = ObjectCodec.decode(r, "/registry/k", bytes, 42);
        assertThat(r.meta(back).getResourceVersion())
                .as("resourceVersion is the mod_revision, never stored")
                .isEqualTo("42");
        assertThat(back.getField(back.getDescriptorForType().findFieldByName("kind")))
                .isEqualTo(r.kind());
        assertThat(back.getField(back.getDescriptorForType().findFieldByName("api_version")))
                .isEqualTo(r.apiVersion());
        T expected = r.withTypeMeta(
                r.withMeta(obj, r.meta(obj).toBuilder().setResourceVersion("42").build()));
        assertThat(back).as(r.toString()).isEqualTo(expected);

        Message any = ObjectCodec.decodeAny("/registry/k", bytes, 42);
        assertThat(any).isEqualTo(expected);

        Envelope env = ObjectCodec.envelope("/registry/k", bytes);
        assertThat(env.getApiVersion()).isEqualTo(r.apiVersion());
        assertThat(env.getKind()).isEqualTo(r.kind());
    }

    @Test
    void garbageIsCorruptAndNamesTheKey() {
        assertThatThrownBy(() -> ObjectCodec.decode(
                        PodKind.RESOURCE, "/registry/pods/a/b", "hello".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(CorruptException.class)
                .hasMessageContaining("/registry/pods/a/b")
                .hasMessageContaining("missing magic prefix");
        byte[] damaged = {'k', '8', 'l', 0, (byte) 0xff, (byte) 0xff, 0x01};
        assertThatThrownBy(() -> ObjectCodec.decode(PodKind.RESOURCE, "/registry/pods/a/b", damaged, 1))
                .isInstanceOf(CorruptException.class)
                .satisfies(e -> assertThat(((CorruptException) e).key()).isEqualTo("/registry/pods/a/b"));
    }

    @Test
    void aValueOfAnOlderKubeliteIsRefusedAndSaysWhy() {
        // an older kubelite wrote no storage version, and its own field numbers
        byte[] env = Envelope.newBuilder()
                .setApiVersion("v1")
                .setKind("Pod")
                .setRaw(sample(PodKind.RESOURCE).toByteString())
                .build()
                .toByteArray();
        byte[] old = new byte[4 + env.length];
        System.arraycopy("k8l\0".getBytes(StandardCharsets.ISO_8859_1), 0, old, 0, 4);
        System.arraycopy(env, 0, old, 4, env.length);
        assertThatThrownBy(() -> ObjectCodec.decode(PodKind.RESOURCE, "/registry/pods/ns1/a", old, 1))
                .isInstanceOf(CorruptException.class)
                .hasMessageContaining("/registry/pods/ns1/a (v1/Pod) was written by an older kubelite")
                .hasMessageContaining("storage version 2");
        assertThatThrownBy(() -> ObjectCodec.decodeAny("/registry/pods/ns1/a", old, 1))
                .isInstanceOf(CorruptException.class)
                .hasMessageContaining("older kubelite");
        byte[] current = ObjectCodec.encode(PodKind.RESOURCE, sample(PodKind.RESOURCE));
        assertThat(ObjectCodec.envelope("k", current).getStorageVersion()).isEqualTo(ObjectCodec.STORAGE_VERSION);
    }

    @Test
    void aValueOfAnotherKindIsCorruptForThisResource() {
        byte[] node = ObjectCodec.encode(NodeKind.RESOURCE, sample(NodeKind.RESOURCE));
        assertThatThrownBy(() -> ObjectCodec.decode(PodKind.RESOURCE, "/registry/pods/ns1/x", node, 1))
                .isInstanceOf(CorruptException.class)
                .hasMessageContaining("holds v1/Node, expected v1/Pod");
    }

    @Test
    void storedBytesCarryNoResourceVersionOrTypeMeta() throws Exception {
        Pod p = sample(PodKind.RESOURCE).toBuilder()
                .setKind("Pod")
                .setApiVersion("v1")
                .build();
        Envelope env = ObjectCodec.envelope("k", ObjectCodec.encode(PodKind.RESOURCE, p));
        Pod raw = Pod.parseFrom(env.getRaw());
        assertThat(raw.getMetadata().getResourceVersion()).isEmpty();
        assertThat(raw.getKind()).isEmpty();
        assertThat(raw.getApiVersion()).isEmpty();
    }
}
