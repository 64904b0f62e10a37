package io.kubelite.apiserver.namespaces;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Namespace;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.Store;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Deleting a namespace: it turns Terminating (deletionTimestamp set, phase Terminating, so
 * {@link NamespaceLifecycle} refuses new content), then {@link NamespaceCleaner} removes its
 * objects and the namespace itself in the background. kubelite has no namespace
 * controller, so the API server does what kube's would.
 */
public final class NamespaceDeletion {
    private NamespaceDeletion() {}

    /** Completes with the Terminating namespace once it is marked; the purge continues after that. */
    public static CompletableFuture<Namespace> start(
            Store store,
            String name,
            java.util.List<io.kubelite.kinds.Resource<? extends com.google.protobuf.Message>> stored) {
        return store.of(NamespaceKind.RESOURCE)
                .guaranteedUpdate(null, name, n -> {
                    if (n.getMetadata().hasDeletionTimestamp()) {
                        return n;
                    }
                    Namespace.Builder b = n.toBuilder();
                    b.getMetadataBuilder()
                            .setDeletionTimestamp(Timestamp.newBuilder()
                                    .setSeconds(Instant.now().getEpochSecond()));
                    b.getStatusBuilder().setPhase("Terminating");
                    return b.build();
                })
                .thenApply(n -> {
                    NamespaceCleaner.purge(store, name, stored);
                    return n;
                });
    }
}
