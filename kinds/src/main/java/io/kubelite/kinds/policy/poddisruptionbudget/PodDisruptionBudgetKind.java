package io.kubelite.kinds.policy.poddisruptionbudget;

import com.google.protobuf.Value;
import io.kubelite.api.IntOrString;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/**
 * PodDisruptionBudgets ({@code policy/v1}, namespaced) with their status subresource: the
 * disruption controller writes the status, the {@code pods/eviction} subresource spends it.
 */
public final class PodDisruptionBudgetKind {
    public static final Resource<PodDisruptionBudget> RESOURCE = new Resource<>(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
            PodDisruptionBudget.getDefaultInstance(),
            List.of("pdb"));

    public static final Kind<PodDisruptionBudget> KIND = Kind.of(RESOURCE)
            .strategy(new PodDisruptionBudgetStrategy())
            .columns(List.of(
                    Cells.name(PodDisruptionBudget::getMetadata),
                    Column.of(
                            "Min Available",
                            "string",
                            "The minimum number of pods that must be available.",
                            (p, now) -> orNa(
                                    p.getSpec().hasMinAvailable(), p.getSpec().getMinAvailable())),
                    Column.of(
                            "Max Unavailable",
                            "string",
                            "The maximum number of pods that may be unavailable.",
                            (p, now) -> orNa(
                                    p.getSpec().hasMaxUnavailable(), p.getSpec().getMaxUnavailable())),
                    Column.of(
                            "Allowed Disruptions",
                            "integer",
                            "Calculated number of pods that may be disrupted at this time.",
                            (p, now) -> Integer.toString(p.getStatus().getDisruptionsAllowed())),
                    Cells.age(PodDisruptionBudget::getMetadata)))
            .subresources(Subresource.status())
            .build();

    private PodDisruptionBudgetKind() {}

    /** kubectl prints {@code N/A} for the bound that is not set. */
    private static String orNa(boolean set, Value v) {
        return set ? IntOrString.toString(v) : "N/A";
    }
}
