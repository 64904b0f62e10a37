package io.kubelite.etcdlite;

import com.google.protobuf.CodedOutputStream;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The Watch RPC on the wire. Responses are either ordinary {@link WatchResponse}s
 * (created, canceled, progress) or event responses assembled from pre-serialised parts:
 * the header (once per revision) and each event (once, see {@link Mvcc.Change#encoded}),
 * drained straight into gRPC's buffer, so fanning one event out to a thousand watchers
 * serialises it once, not a thousand times. The bytes are exactly what protobuf would write for the same WatchResponse
 * (fields in number order, the fragment flag last as an unknown field would be).
 */
final class WatchWire {
    /** A response as sent: an InputStream the marshaller hands to gRPC. */
    interface Outbound {
        InputStream stream();
    }

    private static final MethodDescriptor.Marshaller<WatchResponse> PROTO =
            ProtoUtils.marshaller(WatchResponse.getDefaultInstance());

    static final MethodDescriptor<WatchRequest, Outbound> METHOD = MethodDescriptor.<WatchRequest, Outbound>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("etcdserverpb.Watch", "Watch"))
            .setRequestMarshaller(ProtoUtils.marshaller(WatchRequest.getDefaultInstance()))
            .setResponseMarshaller(new MethodDescriptor.Marshaller<>() {
                @Override
                public InputStream stream(Outbound value) {
                    return value.stream();
                }

                @Override
                public Outbound parse(InputStream stream) {
                    throw new UnsupportedOperationException("the server only sends watch responses");
                }
            })
            .build();

    private static final int HEADER_TAG = CodedOutputStream.computeTagSize(1);
    private static final int EVENTS_TAG = (11 << 3) | 2;
    private static final byte[] FRAGMENT_TRUE = {(byte) ((WatchFragments.RESPONSE_FRAGMENT_FIELD << 3)), 1};

    private WatchWire() {}

    static Outbound of(WatchResponse r) {
        return () -> PROTO.stream(r);
    }

    /**
     * One event response, written straight into gRPC's buffer from shared parts: the
     * revision's framed header, this watcher's id, the shared serialised events (framed
     * here with tag and length) and, for a fragment with more to follow, the flag.
     */
    private static final class EventStream extends InputStream implements KnownLength, Drainable {
        private final byte[] head;
        private final long watchId;
        private final List<byte[]> events;
        private final int from;
        private final int to;
        private final boolean more;
        private int remaining;

        EventStream(byte[] head, long watchId, List<byte[]> events, int from, int to, boolean more, int size) {
            this.head = head;
            this.watchId = watchId;
            this.events = events;
            this.from = from;
            this.to = to;
            this.more = more;
            this.remaining = size;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = remaining;
            target.write(head);
            byte[] small = new byte[16];
            if (watchId != 0) {
                target.write(small, 0, varintField(small, 2, watchId));
            }
            for (int i = from; i < to; i++) {
                byte[] e = events.get(i);
                small[0] = (byte) EVENTS_TAG;
                target.write(small, 0, 1 + varint(small, 1, e.length));
                target.write(e);
            }
            if (more) {
                target.write(FRAGMENT_TRUE);
            }
            remaining = 0;
            return n;
        }

        @Override
        public int available() {
            return remaining;
        }

        @Override
        public int read() throws IOException {
            // gRPC drains; plain reads (never expected) are served from a one-off copy
            return fallback().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return fallback().read(b, off, len);
        }

        private ByteArrayInputStream copy;

        private ByteArrayInputStream fallback() throws IOException {
            if (copy == null) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(remaining);
                drainTo(all);
                copy = new ByteArrayInputStream(all.toByteArray());
            }
            return copy;
        }
    }

    private static int varint(byte[] buf, int at, long v) {
        int i = at;
        while ((v & ~0x7FL) != 0) {
            buf[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[i++] = (byte) v;
        return i - at;
    }

    private static int varintField(byte[] buf, int field, long v) {
        buf[0] = (byte) (field << 3);
        return 1 + varint(buf, 1, v);
    }

    /** The revision's header framed as field 1, shared by every response of that revision. */
    static byte[] header(io.etcd.jetcd.api.ResponseHeader h) {
        byte[] body = h.toByteArray();
        byte[] framed = new byte[HEADER_TAG + CodedOutputStream.computeUInt32SizeNoTag(body.length) + body.length];
        framed[0] = (byte) ((1 << 3) | 2);
        int n = 1 + varint(framed, 1, body.length);
        System.arraycopy(body, 0, framed, n, body.length);
        return framed;
    }

    /**
     * The event response(s) for one watcher: one response, or etcd's fragments when the
     * watcher asked for them and the response reaches {@code fragmentBytes}.
     */
    static List<Outbound> events(byte[] head, long watchId, List<byte[]> events, boolean fragment, int fragmentBytes) {
        int base = head.length + (watchId == 0 ? 0 : CodedOutputStream.computeInt64Size(2, watchId));
        int[] sizes = new int[events.size()];
        int whole = base;
        for (int i = 0; i < sizes.length; i++) {
            int n = events.get(i).length;
            sizes[i] = 1 + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
            whole += sizes[i];
        }
        if (!fragment) {
            int size = whole;
            return List.of(() -> new EventStream(head, watchId, events, 0, events.size(), false, size));
        }
        List<int[]> cuts = WatchFragments.cut(base + FRAGMENT_TRUE.length, whole, sizes, fragmentBytes);
        List<Outbound> out = new ArrayList<>(cuts.size());
        for (int i = 0; i < cuts.size(); i++) {
            int from = cuts.get(i)[0];
            int to = cuts.get(i)[1];
            boolean more = i < cuts.size() - 1;
            int size = base + (more ? FRAGMENT_TRUE.length : 0);
            for (int j = from; j < to; j++) {
                size += sizes[j];
            }
            int total = size;
            out.add(() -> new EventStream(head, watchId, events, from, to, more, total));
        }
        return out;
    }
}
