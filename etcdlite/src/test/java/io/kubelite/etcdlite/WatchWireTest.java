package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-serialised watch responses are byte for byte what protobuf writes for the same message. */
class WatchWireTest {
    private static final ResponseHeader HEADER = ResponseHeader.newBuilder()
            .setClusterId(0x7fffffffffffL)
            .setMemberId(42)
            .setRevision(300)
            .setRaftTerm(2)
            .build();

    private static List<Event> events(int n, int valueBytes) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Event.newBuilder()
                    .setType(i % 3 == 0 ? Event.EventType.DELETE : Event.EventType.PUT)
                    .setKv(KeyValue.newBuilder()
                            .setKey(ByteString.copyFromUtf8("/k" + i))
                            .setValue(ByteString.copyFromUtf8("v".repeat(valueBytes)))
                            .setModRevision(300)
                            .setVersion(i))
                    .build());
        }
        return out;
    }

    private static byte[] drain(WatchWire.Outbound o) throws Exception {
        try (InputStream in = o.stream()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int n = ((io.grpc.KnownLength) in).available();
            ((io.grpc.Drainable) in).drainTo(b);
            assertThat(b.size()).as("KnownLength matches what is drained").isEqualTo(n);
            return b.toByteArray();
        }
    }

    @Test
    void wholeResponseEqualsProtobufsEncoding() throws Exception {
        for (long watchId : new long[] {0, 1, 300, 1L << 40}) {
            List<Event> evs = events(5, 100);
            List<byte[]> bytes = evs.stream().map(Event::toByteArray).toList();
            List<WatchWire.Outbound> out = WatchWire.events(WatchWire.header(HEADER), watchId, bytes, false, 1 << 20);
            assertThat(out).hasSize(1);
            WatchResponse expected = WatchResponse.newBuilder()
                    .setHeader(HEADER)
                    .setWatchId(watchId)
                    .addAllEvents(evs)
                    .build();
            assertThat(drain(out.get(0))).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void fragmentsCarryTheFlagAndFollowEtcdsRule() throws Exception {
        List<Event> evs = events(40, 1000);
        List<byte[]> bytes = evs.stream().map(Event::toByteArray).toList();
        int max = 8 * 1024;
        List<WatchWire.Outbound> out = WatchWire.events(WatchWire.header(HEADER), 7, bytes, true, max);
        assertThat(out.size()).isGreaterThan(1);
        List<Event> all = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            byte[] b = drain(out.get(i));
            WatchResponse r = WatchResponse.parseFrom(b);
            boolean last = i == out.size() - 1;
            assertThat(WatchFragments.isFragment(r)).isEqualTo(!last);
            assertThat(r.getHeader()).isEqualTo(HEADER);
            assertThat(r.getWatchId()).isEqualTo(7);
            assertThat(r.toByteArray())
                    .as("re-encoding by protobuf gives the same bytes")
                    .isEqualTo(b);
            if (r.getEventsCount() > 1) {
                assertThat(WatchFragments.markFragment(r.toBuilder()).build().getSerializedSize())
                        .isLessThan(max);
            }
            all.addAll(r.getEventsList());
        }
        assertThat(all).isEqualTo(evs);
    }

    @Test
    void aSingleLargeEventIsNeverFragmented() throws Exception {
        List<byte[]> bytes = events(1, 20_000).stream().map(Event::toByteArray).toList();
        List<WatchWire.Outbound> out = WatchWire.events(WatchWire.header(HEADER), 1, bytes, true, 1024);
        assertThat(out).hasSize(1);
        assertThat(WatchFragments.isFragment(WatchResponse.parseFrom(drain(out.get(0)))))
                .isFalse();
    }
}
