package io.kubelite.etcdlite;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * Maintenance: Status, Alarm (none), Defragment (no-op), Hash/HashKV and Snapshot.
 * MoveLeader and the rest inherit the generated base's UNIMPLEMENTED answer, as etcd
 * gives for an unknown method.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API level served; clients only compare major.minor. */
    static final String VERSION = "3.4.0";

    private final Backend be;

    MaintenanceService(Backend be) {
        this.be = be;
    }

    @Override
    public void status(StatusRequest r, StreamObserver<StatusResponse> obs) {
        Rpc.sync(obs, () -> {
            long size = be.dbSize();
            return StatusResponse.newBuilder()
                    .setHeader(be.header(be.durableRev()))
                    .setVersion(VERSION)
                    .setDbSize(size)
                    .setDbSizeInUse(size)
                    .setLeader(be.memberId())
                    .setRaftIndex(be.appliedIndex())
                    .setRaftAppliedIndex(be.appliedIndex())
                    .setRaftTerm(2)
                    .build();
        });
    }

    @Override
    public void alarm(AlarmRequest r, StreamObserver<AlarmResponse> obs) {
        Rpc.sync(
                obs,
                () -> AlarmResponse.newBuilder()
                        .setHeader(be.header(be.durableRev()))
                        .build());
    }

    @Override
    public void defragment(DefragmentRequest r, StreamObserver<DefragmentResponse> obs) {
        Rpc.sync(
                obs,
                () -> DefragmentResponse.newBuilder()
                        .setHeader(be.header(be.durableRev()))
                        .build());
    }

    /** HashKV at {@code revision} (0 = current): stable while the data up to it is unchanged. */
    @Override
    public void hashKV(HashKVRequest r, StreamObserver<HashKVResponse> obs) {
        Rpc.sync(obs, () -> {
            Backend.KvHash h = be.hashKv(r.getRevision());
            return HashKVResponse.newBuilder()
                    .setHeader(be.header(h.rev()))
                    .setHash(h.hash())
                    .setCompactRevision(h.compactRev())
                    .build();
        });
    }

    /** etcd hashes its whole database file; etcdlite hashes its whole state image (keys and leases). */
    @Override
    public void hash(HashRequest r, StreamObserver<HashResponse> obs) {
        Rpc.unary(
                obs,
                () -> be.snapshotImage().thenApply(image -> {
                    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                    crc.update(image, 16, image.length - 16);
                    return HashResponse.newBuilder()
                            .setHeader(be.header(be.durableRev()))
                            .setHash((int) crc.getValue())
                            .build();
                }));
    }

    /** Streams an etcdlite snapshot image followed by its sha256, as etcd appends one to its bbolt file. */
    @Override
    public void snapshot(SnapshotRequest r, StreamObserver<SnapshotResponse> obs) {
        SnapshotSender sender = new SnapshotSender((io.grpc.stub.ServerCallStreamObserver<SnapshotResponse>) obs);
        try {
            be.snapshotImage().whenComplete((image, err) -> {
                if (err != null) {
                    sender.fail(err);
                } else {
                    sender.send(image);
                }
            });
        } catch (RuntimeException e) {
            sender.fail(e);
        }
    }
}
