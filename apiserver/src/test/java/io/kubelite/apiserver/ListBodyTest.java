package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.kinds.core.pod.PodKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A list body written into a direct buffer ({@link Bodies#DIRECT}, what the server sends) is the
 * same bytes as the array form, and the array form is a {@code <Kind>List} as kube writes it.
 */
class ListBodyTest {

    @Test
    void aJsonListIsItsHeadItsItemsCommaSeparatedAndItsCloseInBothForms() {
        List<byte[]> items = items(300);
        String expected = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"42\","
                + "\"continue\":\"tok\"},\"items\":["
                + items.stream().map(b -> new String(b, StandardCharsets.UTF_8)).collect(Collectors.joining(","))
                + "]}";
        byte[] array = Codec.list(PodKind.RESOURCE, 42, "tok", items);
        assertThat(new String(array, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(direct(Codec.list(PodKind.RESOURCE, 42, "tok", items, Bodies.DIRECT)))
                .isEqualTo(array);

        byte[] empty = Codec.list(PodKind.RESOURCE, 7, "", List.of());
        assertThat(new String(empty, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}");
        assertThat(direct(Codec.list(PodKind.RESOURCE, 7, "", List.of(), Bodies.DIRECT)))
                .isEqualTo(empty);
    }

    @Test
    void aProtobufListIsTheSameBytesInBothFormsAndReadsBackAsItsItems() throws Exception {
        List<Pod> pods = pods(300);
        List<byte[]> items = new ArrayList<>();
        for (Pod p : pods) {
            items.add(KubeProtobufEncoder.message(p));
        }
        for (String cont : new String[] {"", "tok"}) {
            byte[] array = KubeProtobufEncoder.list(PodKind.RESOURCE, 42, cont, items);
            assertThat(direct(KubeProtobufEncoder.list(PodKind.RESOURCE, 42, cont, items, Bodies.DIRECT)))
                    .isEqualTo(array);
            KubeProtobuf.Envelope env = KubeProtobuf.envelope(array);
            assertThat(env.typeMeta().kind()).isEqualTo("PodList");
            assertThat(array)
                    .as("the list's raw bytes in the envelope a single object has")
                    .isEqualTo(KubeProtobufEncoder.envelope("v1", "PodList", raw(42, cont, items)));
            var in = env.raw().newCodedInput();
            List<byte[]> read = new ArrayList<>();
            String rv = null;
            String token = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == (1 << 3 | 2)) {
                    var meta = in.readBytes().newCodedInput();
                    for (int t = meta.readTag(); t != 0; t = meta.readTag()) {
                        if (t == (2 << 3 | 2)) {
                            rv = meta.readString();
                        } else if (t == (3 << 3 | 2)) {
                            token = meta.readString();
                        } else {
                            meta.skipField(t);
                        }
                    }
                } else if (tag == (2 << 3 | 2)) {
                    read.add(in.readByteArray());
                } else {
                    in.skipField(tag);
                }
            }
            assertThat(rv).isEqualTo("42");
            assertThat(token).isEqualTo(cont);
            assertThat(read).hasSize(items.size());
            for (int i = 0; i < items.size(); i++) {
                assertThat(read.get(i)).as("item %d", i).isEqualTo(items.get(i));
            }
        }
    }

    /** PodList {metadata = 1 (ListMeta {resourceVersion = 2, continue = 3}), items = 2}, written plainly. */
    private static byte[] raw(long rv, String cont, List<byte[]> items) throws java.io.IOException {
        java.io.ByteArrayOutputStream meta = new java.io.ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(meta);
        m.writeString(2, Long.toString(rv));
        if (!cont.isEmpty()) {
            m.writeString(3, cont);
        }
        m.flush();
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(raw);
        o.writeByteArray(1, meta.toByteArray());
        for (byte[] item : items) {
            o.writeByteArray(2, item);
        }
        o.flush();
        return raw.toByteArray();
    }

    /** The buffer's bytes; it was direct (what Netty sends without a copy) and is released here. */
    private static byte[] direct(ByteBuf b) {
        try {
            assertThat(b.isDirect()).as("written off-heap").isTrue();
            assertThat(b.capacity()).as("exact size").isEqualTo(b.readableBytes());
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static List<byte[]> items(int n) {
        List<byte[]> out = new ArrayList<>();
        for (Pod p : pods(n)) {
            out.add(Codec.item(p));
        }
        return out;
    }

    private static List<Pod> pods(int n) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Pod.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace("big")
                            .setName(String.format("p-%04d", i))
                            .setUid("uid-" + i)
                            .putLabels("app", "web"))
                    .setSpec(PodSpec.newBuilder()
                            .addContainers(Container.newBuilder().setName("c").setImage("nginx:" + i)))
                    .build());
        }
        return out;
    }
}
