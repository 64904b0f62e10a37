package io.kubelite.apiserver.namespaces;

import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces every cluster has ({@code default}, {@code kube-system},
 * {@code kube-public}, {@code kube-node-lease}), created at startup when missing. Any
 * replica may do it; an existing one is left alone.
 */
public final class NamespaceBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceBootstrap.class);
    public static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private NamespaceBootstrap() {}

    /** Starts the creates; failures other than AlreadyExists are logged, not thrown. */
    /** Completes (never exceptionally) when each namespace exists or could not be made. */
    public static java.util.concurrent.CompletableFuture<Void> createMissing(Store store) {
        var ns = store.of(NamespaceKind.RESOURCE);
        java.util.List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
        for (String name : NAMES) {
            Namespace n = NamespaceKind.KIND
                    .strategy()
                    .defaults(Namespace.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName(name))
                            .build());
            writes.add(ns.create(n).handle((v, err) -> {
                if (err != null && !(StoreException.unwrap(err) instanceof AlreadyExistsException)) {
                    LOG.warn("could not create namespace {}: {}", name, err.getMessage());
                }
                return null;
            }));
        }
        return java.util.concurrent.CompletableFuture.allOf(
                writes.toArray(java.util.concurrent.CompletableFuture[]::new));
    }
}
