package io.kubelite.apiserver.audit;

/** What the API server audits ({@code policy}) and where the events go ({@code target}). */
public record AuditConfig(AuditPolicy policy, AuditLog.Target target) {
    /** How many events may wait for the disk before further ones are dropped. */
    public static final int QUEUE_SIZE = 10_000;
}
