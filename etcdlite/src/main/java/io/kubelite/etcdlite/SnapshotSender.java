package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Sends one snapshot image (padded, see {@link #send}) as etcd's Snapshot stream does: chunks with the bytes still to
 * come in {@code remaining_bytes}, then the image's sha256 as the last chunk. Sends only
 * while the call is ready, so a slow client does not make the server buffer the image twice.
 */
final class SnapshotSender {
    static final int CHUNK = 32 * 1024;
    static final int PAGE = 512;
    private final ServerCallStreamObserver<SnapshotResponse> out;
    private byte[] image;
    private byte[] sha256;
    private int sent;
    private boolean done;

    /** Must be built inside the service method: gRPC accepts the ready handler only then. */
    SnapshotSender(ServerCallStreamObserver<SnapshotResponse> out) {
        this.out = out;
        out.setOnReadyHandler(this::pump);
        out.setOnCancelHandler(() -> {
            synchronized (this) {
                done = true;
            }
        });
    }

    /**
     * Starts sending {@code image}, zero-padded to a multiple of 512 bytes: etcdctl's
     * {@code snapshot save} accepts only {@code size % 512 == 32} (a bbolt file of whole
     * pages plus the sha256), and the image's own length field marks where the padding starts.
     */
    void send(byte[] image) {
        byte[] img = java.util.Arrays.copyOf(image, (image.length + PAGE - 1) / PAGE * PAGE);
        byte[] sum;
        try {
            sum = MessageDigest.getInstance("SHA-256").digest(img);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
        synchronized (this) {
            this.image = img;
            sha256 = sum;
        }
        pump();
    }

    synchronized void fail(Throwable t) {
        if (!done) {
            done = true;
            out.onError(Rpc.status(t));
        }
    }

    private synchronized void pump() {
        while (image != null && !done && out.isReady()) {
            if (sent < image.length) {
                int n = Math.min(CHUNK, image.length - sent);
                long remaining = (long) image.length + sha256.length - sent - n;
                out.onNext(SnapshotResponse.newBuilder()
                        .setRemainingBytes(remaining)
                        .setBlob(ByteString.copyFrom(image, sent, n))
                        .build());
                sent += n;
            } else {
                out.onNext(SnapshotResponse.newBuilder()
                        .setRemainingBytes(0)
                        .setBlob(ByteString.copyFrom(sha256))
                        .build());
                out.onCompleted();
                done = true;
            }
        }
    }
}
