package io.kubelite.store.informer;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one handler from its own thread, so it never stalls the watch or other
 * handlers. Pending notifications are kept per object key, in arrival order; an
 * update that arrives while the key's last pending notification is an add or update
 * is merged into it (later state wins), so memory stays bounded by the number of keys
 * with pending work, and nothing is ever dropped.
 */
final class HandlerDispatcher<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerDispatcher.class);

    private enum Kind {
        ADD,
        UPDATE,
        DELETE
    }

    private static final class Note<T> {
        final Kind kind;
        final T oldObj;
        T newObj;

        Note(Kind kind, T oldObj, T newObj) {
            this.kind = kind;
            this.oldObj = oldObj;
            this.newObj = newObj;
        }
    }

    private final ResourceEventHandler<T> handler;
    private final LinkedHashMap<String, ArrayDeque<Note<T>>> pending = new LinkedHashMap<>();
    private final Thread thread;
    private boolean closed;
    private boolean busy;

    HandlerDispatcher(String name, ResourceEventHandler<T> handler) {
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    synchronized void added(String key, T obj) {
        append(key, new Note<>(Kind.ADD, null, obj));
    }

    synchronized void updated(String key, T oldObj, T newObj) {
        ArrayDeque<Note<T>> q = pending.get(key);
        Note<T> last = q == null ? null : q.peekLast();
        if (last != null && last.kind != Kind.DELETE) {
            last.newObj = newObj;
            return;
        }
        append(key, new Note<>(Kind.UPDATE, oldObj, newObj));
    }

    synchronized void deleted(String key, T obj) {
        append(key, new Note<>(Kind.DELETE, null, obj));
    }

    private void append(String key, Note<T> n) {
        if (closed) {
            return;
        }
        pending.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(n);
        notifyAll();
    }

    /** True when nothing is pending and the handler is not running. */
    synchronized boolean idle() {
        return pending.isEmpty() && !busy;
    }

    private void run() {
        while (true) {
            ArrayDeque<Note<T>> batch;
            synchronized (this) {
                busy = false;
                while (pending.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                Iterator<Map.Entry<String, ArrayDeque<Note<T>>>> it =
                        pending.entrySet().iterator();
                batch = it.next().getValue();
                it.remove();
                busy = true;
            }
            for (Note<T> n : batch) {
                try {
                    switch (n.kind) {
                        case ADD -> handler.onAdd(n.newObj);
                        case UPDATE -> handler.onUpdate(n.oldObj, n.newObj);
                        case DELETE -> handler.onDelete(n.newObj);
                    }
                } catch (RuntimeException e) {
                    LOG.error("event handler {} failed on {}: {}", thread.getName(), n.kind, e.toString(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
            notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
