package io.kubelite.dashboard.stream;

import io.kubelite.dashboard.cache.ClusterCache;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.dashboard.view.View;
import io.kubelite.dashboard.view.ViewModel;
import io.kubelite.dashboard.view.ViewQuery;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes views to the open streams, coalesced: every {@code interval} (150 ms by default) it
 * renders each (view, namespace) that some tab watches and whose inputs changed since its last
 * render, once however many tabs watch it, and offers the result to each of those tabs, which
 * send only their differences. So 100 pod changes a second cost about 7 renders a second, and a
 * change shows in the browser within one interval. Renders run on the publisher's own thread,
 * never on an event loop; one failing view is logged and does not stop the others.
 */
public final class ViewPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewPublisher.class);
    private static final long HEARTBEAT_MILLIS = 15_000;

    private record Target(String view, ViewQuery query) {}

    private record Rendered(long generation, ViewModel model) {}

    private final ClusterCache caches;
    private final Duration interval;
    private final Set<ViewSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Map<Target, Rendered> rendered = new HashMap<>();
    private ScheduledExecutorService ticker;
    private long lastHeartbeat = System.nanoTime();

    public ViewPublisher(ClusterCache caches, Duration interval) {
        this.caches = caches;
        this.interval = interval;
    }

    public synchronized void start() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dashboard-views");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Starts streaming {@code s}; its snapshot goes out on the next tick. */
    public void add(ViewSubscription s) {
        s.view().reads().forEach(caches::of); // start the caches it needs now
        subscriptions.add(s);
    }

    public void remove(ViewSubscription s) {
        s.close();
        subscriptions.remove(s);
    }

    /** How many tabs are streaming. */
    public int size() {
        return subscriptions.size();
    }

    /**
     * Renders {@code view} for {@code query} once, now (for a one-shot request); the caller is
     * off the event loop.
     */
    public ViewModel renderNow(View view, ViewQuery query) {
        view.reads().forEach(caches::of);
        return view.render(query);
    }

    /** Whether the caches {@code view} reads have listed once (a snapshot before that would be empty). */
    boolean ready(View view) {
        for (ResourceType t : view.reads()) {
            if (!caches.of(t).synced()) {
                return false;
            }
        }
        return true;
    }

    long generation(View view) {
        long g = view.extraGeneration();
        for (ResourceType t : view.reads()) {
            g += caches.of(t).generation();
        }
        return g;
    }

    private void tick() {
        try {
            boolean heartbeat = System.nanoTime() - lastHeartbeat > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS);
            if (heartbeat) {
                lastHeartbeat = System.nanoTime();
            }
            Map<Target, Rendered> thisTick = new HashMap<>();
            for (ViewSubscription s : subscriptions) {
                if (s.closed()) {
                    subscriptions.remove(s);
                    continue;
                }
                Target target = new Target(s.view().name(), s.query());
                Rendered r = thisTick.get(target);
                if (r == null) {
                    r = render(s.view(), s.query(), rendered.get(target));
                    if (r == null) {
                        continue; // not listed yet
                    }
                    thisTick.put(target, r);
                }
                s.offer(r.model());
                if (heartbeat) {
                    s.heartbeat();
                }
            }
            rendered.clear();
            rendered.putAll(thisTick); // forget what no tab watches any more
        } catch (RuntimeException e) {
            log.warn("view publishing failed this tick: {}", e.toString(), e);
        }
    }

    private Rendered render(View view, ViewQuery query, Rendered previous) {
        if (!ready(view)) {
            return null;
        }
        long generation = generation(view);
        if (previous != null && previous.generation() == generation) {
            return previous;
        }
        try {
            return new Rendered(generation, view.render(query));
        } catch (RuntimeException e) {
            log.warn(
                    "view {} (namespace \"{}\") failed to render: {}", view.name(), query.namespace(), e.toString(), e);
            return previous;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        subscriptions.forEach(ViewSubscription::close);
        subscriptions.clear();
    }
}
