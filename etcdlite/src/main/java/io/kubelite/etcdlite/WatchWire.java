package io.kubelite.etcdlite;

import com.google.protobuf.CodedOutputStream;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Watch RPC on the wire. Responses are either ordinary {@link WatchResponse}s
 * (created, canceled, progress) or event responses assembled from pre-serialised parts:
 * the header (once per revision) and each event (once, see {@link Mvcc.Change#encoded}),
 * so fanning one event out to a thousand watchers serialises it once, not a thousand
 * times. The bytes are exactly what protobuf would write for the same WatchResponse
 * (fields in number order, the fragment flag last as an unknown field would be).
 */
final class WatchWire {
    /** A response as sent: an InputStream the marshaller hands to gRPC. */
    interface Outbound {
        InputStream stream();
    }

    private static final MethodDescriptor.Marshaller<WatchResponse> PROTO = ProtoUtils.marshaller(WatchResponse.getDefaultInstance());

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

    private WatchWire() {
    }

    static Outbound of(WatchResponse r) {
        return () -> PROTO.stream(r);
    }

    /** A finished byte array as a response (gRPC reads its length without copying twice). */
    static Outbound bytes(byte[] b) {
        return () -> new KnownLengthStream(b);
    }

    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] b) {
            super(b);
        }
    }

    /** A serialised ResponseHeader, to be shared by every response of one revision. */
    static byte[] header(io.etcd.jetcd.api.ResponseHeader h) {
        return h.toByteArray();
    }

    /**
     * The event response(s) for one watcher: one response, or etcd's fragments when the
     * watcher asked for them and the response reaches {@code fragmentBytes}.
     */
    static List<Outbound> events(byte[] header, long watchId, List<byte[]> events, boolean fragment, int fragmentBytes) {
        int base = HEADER_TAG + CodedOutputStream.computeUInt32SizeNoTag(header.length) + header.length
                + (watchId == 0 ? 0 : CodedOutputStream.computeInt64Size(2, watchId));
        int[] sizes = new int[events.size()];
        int whole = base;
        for (int i = 0; i < sizes.length; i++) {
            int n = events.get(i).length;
            sizes[i] = 1 + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
            whole += sizes[i];
        }
        if (!fragment) {
            return List.of(bytes(encode(header, watchId, events, 0, events.size(), false, whole)));
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
            out.add(bytes(encode(header, watchId, events, from, to, more, size)));
        }
        return out;
    }

    private static byte[] encode(byte[] header, long watchId, List<byte[]> events, int from, int to, boolean more, int size) {
        byte[] buf = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            out.writeByteArray(1, header);
            if (watchId != 0) {
                out.writeInt64(2, watchId);
            }
            for (int i = from; i < to; i++) {
                byte[] e = events.get(i);
                out.writeUInt32NoTag(EVENTS_TAG);
                out.writeUInt32NoTag(e.length);
                out.writeRawBytes(e);
            }
            if (more) {
                out.writeRawBytes(FRAGMENT_TRUE);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf;
    }
}
