package io.kubelite.apiserver.aggregation;

import com.google.protobuf.Message;
import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's autoregister controller at start: a local APIService (no service, so
 * {@code kubectl get apiservices} prints {@code Local}) for each built-in group-version this server
 * serves, named {@code <version>.<group>} ({@code v1.} for the core group), labelled
 * {@code kube-aggregator.kubernetes.io/automanaged: onstart}, with kube's group and version
 * priorities; created when missing, its spec refreshed when it differs; such APIServices of
 * group-versions no longer served deleted. Any replica may do it (replicas with different
 * {@code --runtime-config}s undo each other, as kube's do).
 */
public final class LocalApiServices {
    private static final Logger LOG = LoggerFactory.getLogger(LocalApiServices.class);

    public static final String AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged";

    /** kube's {@code apiVersionPriorities}: group priority, version priority. */
    private static final Map<String, int[]> PRIORITIES = Map.ofEntries(
            Map.entry("/v1", new int[] {18000, 1}),
            Map.entry("apiregistration.k8s.io/v1", new int[] {18000, 15}),
            Map.entry("apps/v1", new int[] {17800, 15}),
            Map.entry("events.k8s.io/v1", new int[] {17750, 15}),
            Map.entry("authentication.k8s.io/v1", new int[] {17700, 15}),
            Map.entry("authorization.k8s.io/v1", new int[] {17600, 15}),
            Map.entry("autoscaling/v1", new int[] {17500, 15}),
            Map.entry("autoscaling/v2", new int[] {17500, 30}),
            Map.entry("batch/v1", new int[] {17400, 15}),
            Map.entry("batch/v1beta1", new int[] {17400, 9}),
            Map.entry("networking.k8s.io/v1", new int[] {17200, 15}),
            Map.entry("policy/v1", new int[] {17100, 15}),
            Map.entry("storage.k8s.io/v1", new int[] {16800, 15}),
            Map.entry("apiextensions.k8s.io/v1", new int[] {16700, 15}),
            Map.entry("coordination.k8s.io/v1", new int[] {16500, 15}),
            Map.entry("discovery.k8s.io/v1", new int[] {16200, 15}));

    static final String LOCAL_REASON = "Local";
    static final String LOCAL_MESSAGE = "Local APIServices are always available";

    /** What kube gives a group-version missing from its table here: low, so built-ins rank first. */
    private static final int[] OTHER = {1000, 15};

    private LocalApiServices() {}

    /** The local APIServices for the served built-in resources, one per group-version, in their order. */
    public static List<APIService> of(List<Resource<? extends Message>> served) {
        Map<String, APIService> out = new LinkedHashMap<>();
        for (Resource<? extends Message> r : served) {
            String name = r.version() + "." + r.group();
            out.computeIfAbsent(name, n -> {
                int[] p = PRIORITIES.getOrDefault(r.group() + "/" + r.version(), OTHER);
                APIService a = APIService.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(n).putLabels(AUTOMANAGED, "onstart"))
                        .setSpec(APIServiceSpec.newBuilder()
                                .setGroup(r.group())
                                .setVersion(r.version())
                                .setGroupPriorityMinimum(p[0])
                                .setVersionPriority(p[1]))
                        .build();
                // written available at once, in the same write: no status write follows the
                // bootstrap (tests count etcd revisions after it)
                return ApiServiceAvailability.withCondition(a, "True", LOCAL_REASON, LOCAL_MESSAGE);
            });
        }
        return new ArrayList<>(out.values());
    }

    /** Creates or refreshes them; completes (never exceptionally) when all are written or given up on. */
    public static CompletableFuture<Void> sync(
            ObjectStore<APIService> store, List<Resource<? extends Message>> served) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (APIService want : of(served)) {
            String name = want.getMetadata().getName();
            writes.add(store.create(want)
                    .exceptionallyCompose(err -> {
                        if (!(StoreException.unwrap(err) instanceof AlreadyExistsException)) {
                            return CompletableFuture.failedFuture(err);
                        }
                        return store.guaranteedUpdate(null, name, cur -> refreshed(cur, want));
                    })
                    .handle((v, err) -> {
                        if (err != null) {
                            LOG.warn("could not write apiservice {}: {}", name, err.getMessage());
                        }
                        return null;
                    }));
        }
        Set<String> wanted = new HashSet<>();
        of(served).forEach(a -> wanted.add(a.getMetadata().getName()));
        writes.add(removeStale(store, wanted));
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * Deletes the local APIServices made at some start for group-versions no longer served here
     * (a {@code --runtime-config} turned one off), as kube's autoregister does with its
     * {@code onstart} ones; APIServices anyone else made are left alone.
     */
    private static CompletableFuture<Void> removeStale(ObjectStore<APIService> store, Set<String> wanted) {
        return store.list(ListOptions.<APIService>all())
                .thenCompose(list -> {
                    List<CompletableFuture<?>> deletes = new ArrayList<>();
                    for (APIService a : list.items()) {
                        String name = a.getMetadata().getName();
                        if (!a.getSpec().hasService()
                                && "onstart"
                                        .equals(a.getMetadata().getLabelsMap().get(AUTOMANAGED))
                                && !wanted.contains(name)) {
                            LOG.info("apiservice {}: no longer served here, deleted", name);
                            deletes.add(store.delete(null, name));
                        }
                    }
                    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
                })
                .handle((v, err) -> {
                    if (err != null) {
                        LOG.warn("could not remove stale local apiservices: {}", err.getMessage());
                    }
                    return null;
                });
    }

    private static APIService refreshed(APIService cur, APIService want) {
        if (cur.getSpec().equals(want.getSpec())
                && "onstart".equals(cur.getMetadata().getLabelsMap().get(AUTOMANAGED))) {
            return cur;
        }
        LOG.info(
                "apiservice {}: spec refreshed to this server's local one",
                cur.getMetadata().getName());
        APIService.Builder b = cur.toBuilder().setSpec(want.getSpec());
        b.getMetadataBuilder().putLabels(AUTOMANAGED, "onstart");
        return b.build();
    }
}
