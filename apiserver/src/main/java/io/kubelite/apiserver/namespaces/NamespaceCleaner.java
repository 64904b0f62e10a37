package io.kubelite.apiserver.namespaces;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a namespace delete: removes every namespaced object in it (at once, without
 * grace), then the namespace. Runs asynchronously; a failure is logged and the
 * namespace stays Terminating (a repeated delete retries).
 */
public final class NamespaceCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceCleaner.class);

    private NamespaceCleaner() {}

    /** Empties namespace {@code ns} of the objects of {@code stored} (custom resources too), then deletes it. */
    public static CompletableFuture<Void> purge(Store store, String ns, List<Resource<? extends Message>> stored) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Resource<? extends Message> r : stored) {
            if (r.namespaced()) {
                all.add(purge(store.of(r), ns));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenCompose(v -> store.of(NamespaceKind.RESOURCE).delete(null, ns))
                .<Void>thenApply(d -> null)
                .whenComplete((v, err) -> {
                    if (err != null) {
                        LOG.warn("namespace {} could not be purged: {}", ns, err.getMessage());
                    } else {
                        LOG.info("namespace {} deleted", ns);
                    }
                });
    }

    private static <T extends Message> CompletableFuture<Void> purge(ObjectStore<T> s, String ns) {
        return s.list(ListOptions.inNamespace(ns)).thenCompose(list -> {
            List<CompletableFuture<?>> dels = new ArrayList<>();
            for (T o : list.items()) {
                var m = s.resource().meta(o);
                dels.add(s.delete(ns, m.getName(), Preconditions.NONE).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(dels.toArray(CompletableFuture[]::new));
        });
    }
}
