package io.kubelite.etcdlite;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;

final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final Backend be;
    private final java.util.function.Supplier<String> clientUrl;
    private final String name;

    ClusterService(Backend be, String name, java.util.function.Supplier<String> clientUrl) {
        this.be = be;
        this.name = name;
        this.clientUrl = clientUrl;
    }

    @Override
    public void memberList(MemberListRequest r, StreamObserver<MemberListResponse> obs) {
        Rpc.sync(
                obs,
                () -> MemberListResponse.newBuilder()
                        .setHeader(be.header(be.durableRev()))
                        .addMembers(Member.newBuilder()
                                .setID(be.memberId())
                                .setName(name)
                                .addPeerURLs("http://localhost:2380")
                                .addClientURLs(clientUrl.get()))
                        .build());
    }
}
