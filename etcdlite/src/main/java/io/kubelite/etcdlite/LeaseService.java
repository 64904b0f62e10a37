package io.kubelite.etcdlite;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;

final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final Backend be;

    LeaseService(Backend be) {
        this.be = be;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest r, StreamObserver<LeaseGrantResponse> obs) {
        Rpc.unary(obs, () -> be.leaseGrant(r));
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest r, StreamObserver<LeaseRevokeResponse> obs) {
        Rpc.unary(obs, () -> be.leaseRevoke(r.getID()));
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest r, StreamObserver<LeaseTimeToLiveResponse> obs) {
        Rpc.sync(obs, () -> {
            Leases.Lease l = be.leases.get(r.getID());
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(be.header(be.durableRev()))
                    .setID(r.getID());
            if (l == null) {
                return b.setTTL(-1).build();
            }
            b.setTTL(l.remainingSeconds()).setGrantedTTL(l.ttl);
            if (r.getKeys()) {
                b.addAllKeys(l.keys);
            }
            return b.build();
        });
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest r) {
                Leases.Lease l = be.leases.get(r.getID());
                long ttl = 0;
                if (l != null && !l.expired(System.nanoTime())) {
                    l.renew();
                    ttl = l.ttl;
                }
                synchronized (this) {
                    out.onNext(LeaseKeepAliveResponse.newBuilder()
                            .setHeader(be.header(be.durableRev()))
                            .setID(r.getID())
                            .setTTL(ttl)
                            .build());
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away
            }

            @Override
            public synchronized void onCompleted() {
                out.onCompleted();
            }
        };
    }
}
