package io.kubelite.etcdlite;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

final class Rpc {
    private Rpc() {}

    static <T> void unary(StreamObserver<T> obs, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            obs.onError(status(e));
            return;
        }
        f.whenComplete((r, e) -> {
            if (e != null) {
                obs.onError(status(e));
            } else {
                obs.onNext(r);
                obs.onCompleted();
            }
        });
    }

    static <T> void sync(StreamObserver<T> obs, Supplier<T> call) {
        T r;
        try {
            r = call.get();
        } catch (RuntimeException e) {
            obs.onError(status(e));
            return;
        }
        obs.onNext(r);
        obs.onCompleted();
    }

    static StatusRuntimeException status(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        return Status.INTERNAL.withDescription(String.valueOf(e)).withCause(e).asRuntimeException();
    }
}
