package io.kubelite.kinds;

import java.util.List;

/**
 * A subresource as discovery lists it ({@code pods/status}, {@code replicasets/scale}):
 * its name, verbs, and the kind it exchanges when that is not the parent's
 * ({@code group}/{@code version}/{@code kind} empty means the parent kind).
 */
public record Subresource(String name, List<String> verbs, String group, String version, String kind) {

    public Subresource {
        verbs = List.copyOf(verbs);
    }

    /** The status subresource: get, patch and update of the parent kind's status. */
    public static Subresource status() {
        return new Subresource("status", List.of("get", "patch", "update"), "", "", "");
    }

    /** A subresource exchanging the parent kind. */
    public static Subresource of(String name, String... verbs) {
        return new Subresource(name, List.of(verbs), "", "", "");
    }

    /** The same subresource exchanging another kind ({@code autoscaling/v1 Scale}, {@code v1 Binding}). */
    public Subresource exchanging(String group, String version, String kind) {
        return new Subresource(name, verbs, group, version, kind);
    }
}
