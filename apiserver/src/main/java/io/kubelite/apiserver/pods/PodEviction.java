package io.kubelite.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.Codec;
import io.kubelite.apiserver.DeleteOptions;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST pods/{name}/eviction} ({@code policy/v1} or {@code v1beta1} Eviction), as kube's
 * {@code EvictionREST.Create}: a pod that is Pending, finished or already deleting goes at once;
 * otherwise the one PodDisruptionBudget selecting it must allow a disruption ({@link
 * DisruptionBudgets}; 429 when it does not, 500 when several select it), except for a not-Ready
 * pod whose budget is met anyway or says {@code AlwaysAllow}. The pod then gets the
 * {@code DisruptionTarget} condition and is deleted as a DELETE would (gracefully when bound),
 * honouring the Eviction's {@code deleteOptions} (grace period, preconditions, dry run).
 */
public final class PodEviction {
    private final HandlerContext ctx;
    private final Request r;
    private final String ns;
    private final String name;
    private final ObjectStore<Pod> pods;
    private final DisruptionBudgets budgets;

    private PodEviction(HandlerContext ctx, Request r, String ns, String name) {
        this.ctx = ctx;
        this.r = r;
        this.ns = ns;
        this.name = name;
        this.pods = ctx.store().of(PodKind.RESOURCE);
        this.budgets = new DisruptionBudgets(ctx.store().of(PodDisruptionBudgetKind.RESOURCE));
    }

    /** Evicts pod {@code ns/name} as the Eviction {@code body} asks. */
    public static void evict(HandlerContext ctx, Request r, String ns, String name, String body) {
        PodEviction e = new PodEviction(ctx, r, ns, name);
        e.ignoringBudgets(e.options(body), 1);
    }

    /** The Eviction's deleteOptions (with the request's dryRun); 400 for another kind or a name not the URL's. */
    private DeleteOptions options(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        JsonNode n = BodyDecoder.json(body, "Eviction");
        if (n == null || !n.isObject()) {
            throw ApiException.badRequest("Eviction must be an object");
        }
        String apiVersion = n.path("apiVersion").asText("");
        if (!List.of("", "policy/v1", "policy/v1beta1").contains(apiVersion)) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (policy/v1)");
        }
        String kind = n.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("Eviction")) {
            throw ApiException.badRequest(
                    "the kind in the data (" + kind + ") does not match the expected kind (Eviction)");
        }
        if (!name.equals(n.path("metadata").path("name").asText(""))) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        JsonNode d = n.path("deleteOptions");
        return DeleteOptions.parse(r, d.isObject() ? d.toString() : "");
    }

    /** kube's first loop: a pod whose budgets need no look is deleted, retried on conflicts. */
    private void ignoringBudgets(DeleteOptions opts, int attempt) {
        r.then(pods.get(ns, name), PodKind.RESOURCE, name, pod -> {
            if (!canIgnoreBudgets(pod)) {
                withBudgets(pod, opts);
                return;
            }
            DeleteOptions o = opts;
            if (shouldEnforceResourceVersion(pod) && rvUnset(opts)) {
                // not racing another disruption: the pod must still be the one looked at
                o = withResourceVersion(opts, pod);
            }
            delete(pod, o)
                    .whenComplete((v, err) -> r.onContext(() -> {
                        if (err == null) {
                            succeeded();
                        } else if (isConflict(err) && rvUnset(opts) && attempt < DisruptionBudgets.RETRIES) {
                            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS)
                                    .execute(() -> r.onContext(() -> ignoringBudgets(opts, attempt + 1)));
                        } else {
                            r.fail(ApiException.from(err, PodKind.RESOURCE, name));
                        }
                    }));
        });
    }

    private void withBudgets(Pod pod, DeleteOptions opts) {
        r.then(budgets.matching(pod), PodDisruptionBudgetKind.RESOURCE, null, list -> {
            if (list.size() > 1) {
                // kube answers this as a returned Status, with no reason
                ObjectNode st = Codec.MAPPER.createObjectNode();
                st.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
                st.put("status", "Failure")
                        .put(
                                "message",
                                "This pod has more than one PodDisruptionBudget, which the eviction"
                                        + " subresource does not support.")
                        .put("code", 500);
                r.json(500, st);
                return;
            }
            if (list.isEmpty()) {
                deleteAndAnswer(pod, opts, opts, null);
                return;
            }
            PodDisruptionBudget pdb = list.get(0);
            String pdbName = pdb.getMetadata().getName();
            if (!isReady(pod)) {
                var st = pdb.getStatus();
                boolean alwaysAllow =
                        pdb.getSpec().getUnhealthyPodEvictionPolicy().equals("AlwaysAllow");
                if (alwaysAllow || (st.getCurrentHealthy() >= st.getDesiredHealthy() && st.getDesiredHealthy() > 0)) {
                    // an unready pod does not count as healthy: it goes without spending the budget,
                    // provided it has not become ready since it was read
                    deleteAndAnswer(pod, opts, withResourceVersion(opts, pod), pdbName);
                    return;
                }
            }
            r.then(
                    budgets.checkAndDecrement(pdb, name, opts.dryRun(), 1),
                    PodDisruptionBudgetKind.RESOURCE,
                    pdbName,
                    v -> deleteAndAnswer(pod, opts, opts, null));
        });
    }

    /**
     * Deletes with {@code opts}; a conflict on the resourceVersion this handler added itself
     * ({@code pdbName} set, the client's options without one) is kube's 429 "still being processed".
     */
    private void deleteAndAnswer(Pod pod, DeleteOptions original, DeleteOptions opts, String pdbName) {
        delete(pod, opts)
                .whenComplete((v, err) -> r.onContext(() -> {
                    if (err == null) {
                        succeeded();
                    } else if (isConflict(err) && pdbName != null && rvUnset(original)) {
                        r.fail(DisruptionBudgets.stillProcessing(pdbName));
                    } else {
                        r.fail(ApiException.from(err, PodKind.RESOURCE, name));
                    }
                }));
    }

    /**
     * kube's {@code addConditionAndDeletePod}: {@code DisruptionTarget=True} (reason
     * {@code EvictionByEvictionAPI}) under the preconditions, then the delete, whose resourceVersion
     * precondition (if any) moves to the version that write made.
     */
    private CompletableFuture<Void> delete(Pod pod, DeleteOptions opts) {
        if (opts.dryRun()) {
            return CompletableFuture.completedFuture(null);
        }
        Preconditions pre = opts.preconditions();
        return pods.guaranteedUpdate(ns, name, pre, PodEviction::withDisruptionTarget)
                .thenCompose(updated -> {
                    Preconditions next = pre.resourceVersion().isEmpty()
                            ? pre
                            : new Preconditions(pre.uid(), updated.getMetadata().getResourceVersion());
                    if (PodGracefulDeletion.applies(updated, opts.grace(), ctx.cache(NodeKind.RESOURCE))) {
                        long grace = PodGracefulDeletion.grace(updated, opts.grace());
                        return PodGracefulDeletion.start(pods, ns, name, grace, next)
                                .thenApply(p -> null);
                    }
                    return pods.delete(ns, name, next).thenApply(d -> null);
                });
    }

    private static Pod withDisruptionTarget(Pod p) {
        PodCondition c = PodCondition.newBuilder()
                .setType("DisruptionTarget")
                .setStatus("True")
                .setReason("EvictionByEvictionAPI")
                .setMessage("Eviction API: evicting")
                .setLastTransitionTime(now())
                .build();
        Pod.Builder b = p.toBuilder();
        var st = b.getStatusBuilder();
        for (int i = 0; i < st.getConditionsCount(); i++) {
            PodCondition old = st.getConditions(i);
            if (old.getType().equals("DisruptionTarget")) {
                if (old.getStatus().equals("True") && old.getReason().equals(c.getReason())) {
                    return p;
                }
                st.setConditions(i, c);
                return b.build();
            }
        }
        st.addConditions(c);
        return b.build();
    }

    private static com.google.protobuf.Timestamp now() {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(java.time.Instant.now().getEpochSecond())
                .build();
    }

    private void succeeded() {
        ObjectNode s = Codec.successStatus();
        s.put("code", 201);
        r.json(201, s);
    }

    /** kube's {@code canIgnorePDB}: finished, Pending or already deleting. */
    static boolean canIgnoreBudgets(Pod p) {
        String phase = p.getStatus().getPhase();
        return phase.equals("Succeeded")
                || phase.equals("Failed")
                || phase.equals("Pending")
                || p.getMetadata().hasDeletionTimestamp();
    }

    private static boolean shouldEnforceResourceVersion(Pod p) {
        String phase = p.getStatus().getPhase();
        return !phase.equals("Succeeded")
                && !phase.equals("Failed")
                && !p.getMetadata().hasDeletionTimestamp();
    }

    private static boolean isReady(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private static boolean rvUnset(DeleteOptions o) {
        return o.preconditions().resourceVersion().isEmpty();
    }

    private static DeleteOptions withResourceVersion(DeleteOptions o, Pod pod) {
        return new DeleteOptions(
                o.grace(),
                new Preconditions(o.preconditions().uid(), pod.getMetadata().getResourceVersion()),
                o.propagation(),
                o.dryRun());
    }

    private static boolean isConflict(Throwable err) {
        return StoreException.unwrap(err) instanceof ConflictException;
    }
}
