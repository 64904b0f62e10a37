package io.kubelite.etcdlite;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * etcd's server-side gRPC errors, with the codes and messages of etcd's
 * {@code api/v3rpc/rpctypes/error.go}, so clients (jetcd, etcdctl) map them as they do
 * for etcd.
 */
final class Errors {
    private Errors() {}

    static StatusRuntimeException emptyKey() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
    }

    static StatusRuntimeException keyNotFound() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found");
    }

    static StatusRuntimeException valueProvided() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided");
    }

    static StatusRuntimeException leaseProvided() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided");
    }

    static StatusRuntimeException tooManyOps() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    }

    static StatusRuntimeException duplicateKey() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
    }

    static StatusRuntimeException compacted() {
        return err(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
    }

    static StatusRuntimeException futureRev() {
        return err(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
    }

    static StatusRuntimeException leaseNotFound() {
        return err(Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
    }

    static StatusRuntimeException leaseExists() {
        return err(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists");
    }

    static StatusRuntimeException leaseTtlTooLarge() {
        return err(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL");
    }

    static StatusRuntimeException requestTooLarge() {
        return err(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
    }

    /** Not an etcd error: the log could not be written, so nothing further is acknowledged. */
    static StatusRuntimeException storageFailed(Throwable cause) {
        return Status.UNAVAILABLE
                .withDescription("etcdlite: write-ahead log failed: " + cause)
                .asRuntimeException();
    }

    static StatusRuntimeException stopped() {
        return err(Status.Code.UNAVAILABLE, "etcdserver: server stopped");
    }

    private static StatusRuntimeException err(Status.Code code, String message) {
        return code.toStatus().withDescription(message).asRuntimeException();
    }
}
