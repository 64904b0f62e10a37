package io.kubelite.apiserver.audit;

/** When in a request's handling an audit event is made, as kube's {@code audit.k8s.io/v1} Stage. */
public enum AuditStage {
    /** As soon as the request is received, before it is authorized. */
    RequestReceived,
    /** Once the response headers are sent, before its body: long-running requests (watch, log, exec) only. */
    ResponseStarted,
    /** Once the response is complete. */
    ResponseComplete,
    /** When the handler failed unexpectedly (a 500 of kubelite's own). */
    Panic
}
