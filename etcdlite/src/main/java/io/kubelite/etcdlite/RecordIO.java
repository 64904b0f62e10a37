package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

final class RecordIO {
    private RecordIO() {}

    static void writeBytes(DataOutput out, ByteString b) throws IOException {
        out.writeInt(b.size());
        out.write(b.toByteArray());
    }

    static ByteString readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (256 << 20)) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return ByteString.copyFrom(b);
    }
}
