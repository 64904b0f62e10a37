package io.kubelite.store.quota;

import com.google.protobuf.Message;
import io.kubelite.api.ResourceQuota;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.resourcequota.Amount;
import io.kubelite.kinds.core.resourcequota.QuotaCharge;
import io.kubelite.kinds.core.resourcequota.QuotaRefusal;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges an object about to be written to its namespace's ResourceQuotas, as kube's quota
 * admission does: each quota that concerns the object gets the object's usage added to
 * {@code status.used} by a read-check-write of the quota with a compare on its revision
 * ({@link ObjectStore#guaranteedUpdate}), so two writers (two API servers, an API server and a
 * controller) never both pass a limit: the loser re-reads and re-checks. A refusal undoes the
 * charges already made to other quotas. As in kube, the charge precedes the object's write; if
 * that write then fails, the quota controller's recount gives the charge back.
 *
 * <p>Stateless apart from its store; thread-safe.
 */
public final class QuotaAccountant {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaAccountant.class);

    private final ObjectStore<ResourceQuota> quotas;

    public QuotaAccountant(Store store) {
        this.quotas = store.of(ResourceQuotaKind.RESOURCE);
    }

    /**
     * Charges {@code delta} (the usage of {@code obj}, a {@code r} in {@code ns}, or the growth
     * of an updated one) to every quota of {@code ns} concerned. Fails with {@link QuotaRefusal}
     * (kube's message) when one refuses, with the store's error when etcd does.
     */
    public CompletableFuture<Void> charge(String ns, Resource<?> r, Message obj, Map<String, Amount> delta) {
        return quotas.list(ListOptions.inNamespace(ns)).thenCompose(list -> {
            List<ResourceQuota> concerned = new ArrayList<>();
            for (ResourceQuota q : list.items()) {
                if (!QuotaCharge.interesting(q, r, obj).isEmpty()) {
                    concerned.add(q);
                }
            }
            return chargeEach(ns, r, obj, delta, concerned, 0, new ArrayList<>());
        });
    }

    private CompletableFuture<Void> chargeEach(
            String ns,
            Resource<?> r,
            Message obj,
            Map<String, Amount> delta,
            List<ResourceQuota> concerned,
            int i,
            List<ResourceQuota> charged) {
        if (i == concerned.size()) {
            return CompletableFuture.completedFuture(null);
        }
        String name = concerned.get(i).getMetadata().getName();
        return quotas.guaranteedUpdate(ns, name, cur -> QuotaCharge.charge(cur, r, obj, delta))
                .handle((q, err) -> {
                    if (err == null) {
                        charged.add(q);
                        return chargeEach(ns, r, obj, delta, concerned, i + 1, charged);
                    }
                    Throwable cause =
                            err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    if (io.kubelite.store.StoreException.unwrap(err) instanceof NotFoundException) {
                        // the quota went away meanwhile: it limits nothing any more
                        return chargeEach(ns, r, obj, delta, concerned, i + 1, charged);
                    }
                    undo(ns, charged, delta);
                    return CompletableFuture.<Void>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    /** Gives back what {@code charged} quotas were charged; best effort (the controller's recount also would). */
    private void undo(String ns, List<ResourceQuota> charged, Map<String, Amount> delta) {
        for (ResourceQuota q : charged) {
            String name = q.getMetadata().getName();
            quotas.guaranteedUpdate(ns, name, cur -> QuotaCharge.release(cur, delta))
                    .whenComplete((x, err) -> {
                        if (err != null) {
                            LOG.warn(
                                    "could not give back a refused charge to quota {}/{}: {}",
                                    ns,
                                    name,
                                    err.toString());
                        }
                    });
        }
    }
}
