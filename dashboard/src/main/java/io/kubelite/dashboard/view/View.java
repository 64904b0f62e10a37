package io.kubelite.dashboard.view;

import io.kubelite.dashboard.cache.ResourceType;
import java.util.List;

/**
 * One page's data: turns the dashboard's caches into a compact {@link ViewModel} (rows keyed by
 * object, plus a summary), so the browser never downloads raw objects. A view is a pure function
 * of the caches and the {@link ViewQuery}: the stream renders it again when one of the
 * resources it {@link #reads} changes (or its {@link #extraGeneration} rises) and sends the
 * browser only the rows that differ. Register new views in {@link ViewRegistry#builtIn}.
 *
 * <p>Rows must not hold values that change without a cluster change (an age, "now"): send a
 * timestamp and let the page compute the age, or every render would resend every row.
 */
public interface View {
    /** The name pages ask for ({@code /api/stream?view=NAME}): lower case, no spaces. */
    String name();

    /**
     * What the view is made of. A session may see the view only if its own credential may
     * {@code list} each of these (in the query's namespace for namespaced ones).
     */
    List<ResourceType> reads();

    /** A counter of inputs other than {@link #reads} (e.g. polled metrics); 0 when none. */
    default long extraGeneration() {
        return 0;
    }

    /**
     * Checks the query's page parameters before a stream opens: throws IllegalArgumentException
     * with a message for the user (answered as 400). Nothing to check by default.
     */
    default void validate(ViewQuery query) {}

    /** The view for {@code query}, from the caches as they are now; called off the event loop. */
    ViewModel render(ViewQuery query);
}
