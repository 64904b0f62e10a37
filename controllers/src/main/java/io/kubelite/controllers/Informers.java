package io.kubelite.controllers;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One shared informer per resource for a leadership term: controllers ask for the
 * informers they need (and add indexes and handlers) before {@link #start()}; every
 * informer is closed with the term.
 */
public final class Informers implements AutoCloseable {
    private final Store store;
    private final Map<Resource<?>, Informer<?>> informers = new LinkedHashMap<>();
    private boolean started;

    public Informers(Store store) {
        this.store = store;
    }

    @SuppressWarnings("unchecked")
    public synchronized <T extends Message> Informer<T> get(Resource<T> r) {
        Informer<T> i = (Informer<T>) informers.get(r);
        if (i == null) {
            if (started) {
                throw new IllegalStateException("informer for " + r + " requested after start");
            }
            i = new Informer<>(store.of(r), null);
            informers.put(r, i);
        }
        return i;
    }

    public synchronized void start() {
        started = true;
        informers.values().forEach(Informer::start);
    }

    /** Waits for every informer's first list; false on timeout or interrupt. */
    public boolean awaitSynced(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Informer<?>> all;
        synchronized (this) {
            all = new ArrayList<>(informers.values());
        }
        for (Informer<?> i : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !i.awaitSynced(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        informers.values().forEach(Informer::close);
    }
}
