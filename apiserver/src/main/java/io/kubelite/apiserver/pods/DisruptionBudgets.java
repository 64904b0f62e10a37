package io.kubelite.apiserver.pods;

import com.google.protobuf.Timestamp;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Pod;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.apiserver.ApiException;
import io.kubelite.kinds.policy.poddisruptionbudget.DisruptionAllowedCondition;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The PodDisruptionBudget side of an eviction, as kube's {@code EvictionREST}: the budgets that
 * select a pod, and {@code checkAndDecrement}: a budget that allows no disruption is a 429, one
 * that does has {@code disruptionsAllowed} decremented and the pod recorded in
 * {@code disruptedPods} (so the disruption controller does not count it as healthy before its
 * deletion shows), written with a compare on the budget's resourceVersion and retried on conflict.
 */
final class DisruptionBudgets {
    /** kube's {@code MaxDisruptedPodSize}. */
    static final int MAX_DISRUPTED_PODS = 2000;
    /** kube's {@code EvictionsRetry}: 20 steps, 500 ms apart. */
    static final int RETRIES = 20;

    static final String VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
    private static final Executor RETRY_DELAY = CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS);

    private final ObjectStore<PodDisruptionBudget> pdbs;

    DisruptionBudgets(ObjectStore<PodDisruptionBudget> pdbs) {
        this.pdbs = pdbs;
    }

    /** The budgets of the pod's namespace whose selector selects it (an empty selector selects every pod). */
    CompletableFuture<List<PodDisruptionBudget>> matching(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        return pdbs.list(ListOptions.<PodDisruptionBudget>inNamespace(ns))
                .thenApply(l -> l.items().stream()
                        .filter(p -> selects(p.getSpec().getSelector(), pod))
                        .toList());
    }

    private static boolean selects(LabelSelector sel, Pod pod) {
        return Selector.of(sel).matches(pod.getMetadata().getLabelsMap());
    }

    /**
     * Checks {@code pdb} and spends one of its disruptions on {@code podName}; on a write
     * conflict reads it again and checks again, up to {@link #RETRIES} times.
     */
    CompletableFuture<Void> checkAndDecrement(PodDisruptionBudget pdb, String podName, boolean dryRun, int attempt) {
        PodDisruptionBudget next;
        try {
            next = decremented(pdb, podName, Instant.now());
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (dryRun) {
            return CompletableFuture.completedFuture(null);
        }
        return pdbs.update(next).<Void>thenApply(p -> null).exceptionallyCompose(err -> {
            if (!(StoreException.unwrap(err) instanceof ConflictException) || attempt >= RETRIES) {
                if (StoreException.unwrap(err) instanceof ConflictException) {
                    return CompletableFuture.failedFuture(ApiException.of(
                            504,
                            "Timeout",
                            "couldn't update PodDisruptionBudget \""
                                    + pdb.getMetadata().getName() + "\" due to conflicts"));
                }
                return CompletableFuture.failedFuture(err);
            }
            String ns = pdb.getMetadata().getNamespace();
            return CompletableFuture.supplyAsync(() -> null, RETRY_DELAY)
                    .thenCompose(x -> pdbs.get(ns, pdb.getMetadata().getName()))
                    .thenCompose(fresh -> checkAndDecrement(fresh, podName, false, attempt + 1));
        });
    }

    /** kube's {@code checkAndDecrement} without the write: the budget with one disruption spent, or why not. */
    static PodDisruptionBudget decremented(PodDisruptionBudget pdb, String podName, Instant now) {
        PodDisruptionBudgetStatus st = pdb.getStatus();
        String name = pdb.getMetadata().getName();
        if (st.getObservedGeneration() < pdb.getMetadata().getGeneration()) {
            throw stillProcessing(name);
        }
        if (st.getDisruptionsAllowed() < 0) {
            throw forbidden(name, "pdb disruptions allowed is negative");
        }
        if (st.getDisruptedPodsCount() > MAX_DISRUPTED_PODS) {
            throw forbidden(name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (st.getDisruptionsAllowed() == 0) {
            throw tooManyRequests(
                    "The disruption budget " + name + " needs " + st.getDesiredHealthy() + " healthy pods and has "
                            + st.getCurrentHealthy() + " currently",
                    null);
        }
        PodDisruptionBudgetStatus.Builder b = st.toBuilder().setDisruptionsAllowed(st.getDisruptionsAllowed() - 1);
        if (b.getDisruptionsAllowed() == 0) {
            DisruptionAllowedCondition.update(b, now);
        }
        b.putDisruptedPods(
                podName,
                // metav1.Time: whole seconds
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build());
        return pdb.toBuilder().setStatus(b).build();
    }

    /** The 429 of a budget the controller has not caught up with (kube: retry after 10 s). */
    static ApiException stillProcessing(String pdbName) {
        return tooManyRequests("The disruption budget " + pdbName + " is still being processed by the server.", 10);
    }

    private static ApiException tooManyRequests(String cause, Integer retryAfter) {
        return new ApiException(
                429,
                "TooManyRequests",
                VIOLATION,
                null,
                null,
                null,
                List.of(new FieldError("DisruptionBudget", cause, "")),
                retryAfter);
    }

    private static ApiException forbidden(String pdbName, String why) {
        return new ApiException(
                403,
                "Forbidden",
                "poddisruptionbudget.policy \"" + pdbName + "\" is forbidden: " + why,
                pdbName,
                PodDisruptionBudgetKind.RESOURCE.group(),
                "poddisruptionbudget",
                List.of(),
                null);
    }
}
