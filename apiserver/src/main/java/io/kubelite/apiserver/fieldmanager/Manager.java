package io.kubelite.apiserver.fieldmanager;

import java.time.Instant;

/**
 * One entry of {@code metadata.managedFields}: who ({@code manager}, through which
 * {@code operation} and {@code subresource}, at which {@code apiVersion}) owns which fields,
 * and when it last changed one of them.
 *
 * @param time null when unknown
 */
public record Manager(
        String manager, String operation, String apiVersion, String subresource, Instant time, FieldSet fields) {
    public static final String APPLY = "Apply";
    public static final String UPDATE = "Update";

    /**
     * What makes two entries one: an applier is one entry whatever version it applied at; an
     * updater is one per version (kube's {@code BuildManagerIdentifier}).
     */
    public String id() {
        return manager + "\u0000" + operation + "\u0000" + (APPLY.equals(operation) ? "" : apiVersion) + "\u0000"
                + subresource;
    }

    Manager withFields(FieldSet f) {
        return new Manager(manager, operation, apiVersion, subresource, time, f);
    }

    Manager withTime(Instant t) {
        return new Manager(manager, operation, apiVersion, subresource, t, fields);
    }

    /** As kube prints a manager in a conflict: {@code "kubectl-edit" using v1 at 2026-...}. */
    public String describe() {
        String s = "\"" + manager + "\"";
        if (!subresource.isEmpty()) {
            s += " with subresource \"" + subresource + "\"";
        }
        if (UPDATE.equals(operation)) {
            s += " using " + apiVersion;
            if (time != null) {
                s += " at " + time;
            }
        }
        return s;
    }
}
