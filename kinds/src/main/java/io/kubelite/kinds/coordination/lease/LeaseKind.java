package io.kubelite.kinds.coordination.lease;

import io.kubelite.api.Lease;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/** Leases ({@code coordination.k8s.io/v1}, namespaced): node heartbeats and leader election records. */
public final class LeaseKind {
    public static final Resource<Lease> RESOURCE =
            new Resource<>("coordination.k8s.io", "v1", "Lease", "leases", true, Lease.getDefaultInstance(), List.of());

    public static final Kind<Lease> KIND = Kind.of(RESOURCE)
            .strategy(new Strategy<>() {
                @Override
                public void validate(Lease l, FieldErrors errs) {
                    if (l.getSpec().hasLeaseDurationSeconds() && l.getSpec().getLeaseDurationSeconds() <= 0) {
                        errs.invalid(
                                "spec.leaseDurationSeconds",
                                l.getSpec().getLeaseDurationSeconds(),
                                "must be greater than 0");
                    }
                }
            })
            .columns(List.of(
                    Cells.name(Lease::getMetadata),
                    Column.of(
                            "Holder",
                            "string",
                            "holderIdentity contains the identity of the holder of a current lease.",
                            // kube prints an unset holder as an empty cell, not <none>
                            (l, now) -> l.getSpec().getHolderIdentity()),
                    Cells.age(Lease::getMetadata)))
            .build();

    private LeaseKind() {}
}
