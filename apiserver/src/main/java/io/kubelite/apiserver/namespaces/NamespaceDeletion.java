package io.kubelite.apiserver.namespaces;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Namespace;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DELETE of a namespace, as kube's namespace registry does it: the first one marks it
 * Terminating (deletionTimestamp, phase Terminating) and answers it at once; the
 * controller-manager's namespace controller then empties it and removes its {@code kubernetes}
 * finalizer, and the namespace goes. A later DELETE of a Terminating namespace whose finalizers
 * are all gone removes it; otherwise it answers the namespace as it is. The API server never
 * deletes a namespace's content itself: there is one path, the controller's.
 */
public final class NamespaceDeletion {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceDeletion.class);

    private NamespaceDeletion() {}

    /** Completes with the namespace as it is after the request (its last state when it was removed). */
    public static CompletableFuture<Namespace> start(Store store, String name, Preconditions pre) {
        ObjectStore<Namespace> namespaces = store.of(NamespaceKind.RESOURCE);
        return namespaces.get(null, name).thenCompose(cur -> {
            if (!cur.getMetadata().hasDeletionTimestamp()) {
                return namespaces
                        .guaranteedUpdate(null, name, pre, NamespaceDeletion::terminating)
                        .whenComplete((n, err) -> {
                            if (err == null) {
                                LOG.info("namespace {} is terminating", name);
                            }
                        });
            }
            if (cur.getSpec().getFinalizersCount() == 0 && cur.getMetadata().getFinalizersCount() == 0) {
                Preconditions uid =
                        pre.isEmpty() ? Preconditions.uid(cur.getMetadata().getUid()) : pre;
                return namespaces.delete(null, name, uid).thenApply(d -> cur);
            }
            return CompletableFuture.completedFuture(cur);
        });
    }

    private static Namespace terminating(Namespace n) {
        Namespace.Builder b = n.toBuilder();
        if (!n.getMetadata().hasDeletionTimestamp()) {
            b.getMetadataBuilder()
                    .setDeletionTimestamp(
                            Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()));
        }
        b.getStatusBuilder().setPhase("Terminating");
        return b.build();
    }
}
