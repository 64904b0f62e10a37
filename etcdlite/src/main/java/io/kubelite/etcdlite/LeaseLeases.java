package io.kubelite.etcdlite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's {@code Lease/LeaseLeases} RPC ({@code etcdctl lease list}), which jetcd 0.8.7's
 * proto lacks: the method is described by hand with raw-bytes marshalling and its
 * response ({@code LeaseLeasesResponse{header = 1; repeated LeaseStatus{int64 ID = 1} leases = 2}})
 * encoded with protobuf's coded streams.
 */
final class LeaseLeases {
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("etcdserverpb.Lease", "LeaseLeases"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private LeaseLeases() {}

    /** The Lease service with LeaseLeases added next to the generated methods. */
    static ServerServiceDefinition addTo(ServerServiceDefinition lease, Backend be) {
        ServerServiceDefinition.Builder b =
                ServerServiceDefinition.builder(lease.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : lease.getMethods()) {
            b.addMethod(m);
        }
        b.addMethod(
                METHOD,
                ServerCalls.asyncUnaryCall((req, obs) ->
                        Rpc.sync(obs, () -> encode(be.header(be.durableRev()), be.leaseIds()))));
        return b.build();
    }

    static byte[] encode(ResponseHeader header, List<Long> ids) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeMessage(1, header);
            for (long id : ids) {
                out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(1, id));
                out.writeInt64(1, id);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lease IDs of a LeaseLeasesResponse, in order (for clients and tests). */
    static List<Long> decodeIds(byte[] response) throws IOException {
        List<Long> ids = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(response);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 2) {
                CodedInputStream status = CodedInputStream.newInstance(in.readByteArray());
                for (int t = status.readTag(); t != 0; t = status.readTag()) {
                    if (WireFormat.getTagFieldNumber(t) == 1) {
                        ids.add(status.readInt64());
                    } else {
                        status.skipField(t);
                    }
                }
            } else {
                in.skipField(tag);
            }
        }
        return ids;
    }
}
