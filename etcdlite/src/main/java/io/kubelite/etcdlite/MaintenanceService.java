package io.kubelite.etcdlite;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

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
        Rpc.sync(obs, () -> AlarmResponse.newBuilder().setHeader(be.header(be.durableRev())).build());
    }

    @Override
    public void defragment(DefragmentRequest r, StreamObserver<DefragmentResponse> obs) {
        Rpc.sync(obs, () -> DefragmentResponse.newBuilder().setHeader(be.header(be.durableRev())).build());
    }
}
