package io.kubelite.apiserver.audit;

/** How much of a request an audit event records, as kube's {@code audit.k8s.io/v1} Level (ordered). */
public enum AuditLevel {
    /** No event. */
    None,
    /** User, verb, object reference, response code and timestamps. */
    Metadata,
    /** Metadata and the request's body. */
    Request,
    /** Request and the response's body. */
    RequestResponse;

    public boolean atLeast(AuditLevel other) {
        return compareTo(other) >= 0;
    }
}
