package io.kubelite.etcdlite;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;

final class KvService extends KVGrpc.KVImplBase {
    private final Backend be;

    KvService(Backend be) {
        this.be = be;
    }

    @Override
    public void range(RangeRequest r, StreamObserver<RangeResponse> obs) {
        Rpc.sync(obs, () -> be.range(r));
    }

    @Override
    public void put(PutRequest r, StreamObserver<PutResponse> obs) {
        Rpc.unary(obs, () -> be.put(r));
    }

    @Override
    public void deleteRange(DeleteRangeRequest r, StreamObserver<DeleteRangeResponse> obs) {
        Rpc.unary(obs, () -> be.deleteRange(r));
    }

    @Override
    public void txn(TxnRequest r, StreamObserver<TxnResponse> obs) {
        Rpc.unary(obs, () -> be.txn(r));
    }

    @Override
    public void compact(CompactionRequest r, StreamObserver<CompactionResponse> obs) {
        Rpc.unary(obs, () -> be.compact(r));
    }
}
