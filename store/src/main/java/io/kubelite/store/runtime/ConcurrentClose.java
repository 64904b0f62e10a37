package io.kubelite.store.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes independent things at the same time and returns when all are closed: for a set of
 * closes that each may wait (a work queue for its in-flight sync, an informer for its watch
 * and handler threads), so that the set takes as long as its slowest member, not the sum.
 * A controller-manager that loses and regains leadership under load waits for its old
 * term's ~25 controllers and ~30 informers before starting the new one; one by one, their
 * bounded waits added up to minutes. A close that throws is logged and does not stop the
 * others.
 */
public final class ConcurrentClose {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentClose.class);

    private ConcurrentClose() {}

    /**
     * Closes every item, each on its own short-lived thread named by {@code name}, and waits
     * for all of them (each close bounds its own wait). Runs inline for one item.
     */
    public static <T extends AutoCloseable> void closeAll(List<T> items, Function<? super T, String> name) {
        if (items.size() == 1) {
            closeQuietly(items.get(0), name);
            return;
        }
        List<Thread> threads = new ArrayList<>(items.size());
        for (T item : items) {
            Thread t = new Thread(() -> closeQuietly(item, name), "close-" + name.apply(item));
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the caller relies on everything being closed
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T extends AutoCloseable> void closeQuietly(T item, Function<? super T, String> name) {
        try {
            item.close();
        } catch (Exception e) {
            LOG.warn("{} failed to close: {}", name.apply(item), e.toString());
        }
    }
}
