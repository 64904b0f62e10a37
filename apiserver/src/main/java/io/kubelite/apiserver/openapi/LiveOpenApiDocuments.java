package io.kubelite.apiserver.openapi;

import io.kubelite.api.CustomResourceDefinition;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAPI documents being served, following the served CRDs: {@link #refresh()} (called when
 * the served set changes) regenerates them on a thread of its own, never on an event loop, and
 * swaps them in when done; until then {@link #current()} keeps answering the previous ones.
 * Refreshes asked for while one runs coalesce into one more run, which reads the CRDs then
 * served, so the last change always ends up in the documents.
 */
public final class LiveOpenApiDocuments implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveOpenApiDocuments.class);

    private final OpenApiDocuments builtIn;
    private final Supplier<List<CustomResourceDefinition>> servedCrds;
    private final AtomicReference<OpenApiDocuments> current;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "openapi-refresh");
        t.setDaemon(true);
        return t;
    });

    /** Serves {@code builtIn} until the first refresh; {@code servedCrds} is read on each refresh. */
    public LiveOpenApiDocuments(OpenApiDocuments builtIn, Supplier<List<CustomResourceDefinition>> servedCrds) {
        this.builtIn = builtIn;
        this.servedCrds = servedCrds;
        this.current = new AtomicReference<>(builtIn);
    }

    /** The documents to answer with now. */
    public OpenApiDocuments current() {
        return current.get();
    }

    /** Regenerates the documents soon, off the caller's thread; returns at once. */
    public void refresh() {
        if (!pending.compareAndSet(false, true)) {
            return; // a run not yet started will read the latest CRDs
        }
        try {
            worker.execute(this::regenerate);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.set(false); // closing
        }
    }

    private void regenerate() {
        pending.set(false);
        List<CustomResourceDefinition> crds = servedCrds.get();
        try {
            long start = System.nanoTime();
            current.set(builtIn.withCustomResources(crds));
            LOG.info(
                    "OpenAPI documents regenerated for {} served CRDs in {} ms",
                    crds.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            // one CRD the generator cannot render must not stop the others from being published later
            LOG.warn("OpenAPI documents not regenerated, the previous ones stay: {}", e.toString());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
