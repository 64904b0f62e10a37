package io.kubelite.store.informer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A thread-safe map from object key ({@code namespace/name} or {@code name}) to the
 * latest object, with secondary indexes. Index functions are fixed at construction.
 */
public final class ObjectCache<T> {
    private final Map<String, T> items = new HashMap<>();
    private final Map<String, Indexer<T>> indexers;
    private final Map<String, Map<String, Set<String>>> indexes = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    public ObjectCache(Map<String, Indexer<T>> indexers) {
        this.indexers = Map.copyOf(indexers);
        for (String name : this.indexers.keySet()) {
            indexes.put(name, new HashMap<>());
        }
    }

    /** Stores {@code obj} under {@code key}; returns the previous value or null. */
    public T put(String key, T obj) {
        lock.writeLock().lock();
        try {
            T old = items.put(key, obj);
            if (old != null) {
                if (sameIndexValues(old, obj)) {
                    // nothing to move; the indexes keep the key instance the map keeps (HashMap
                    // keeps the first), rather than a second copy of each key per version
                    return old;
                }
                unindex(key, old);
            }
            index(key, obj);
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public T remove(String key) {
        lock.writeLock().lock();
        try {
            T old = items.remove(key);
            if (old != null) {
                unindex(key, old);
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public T get(String key) {
        lock.readLock().lock();
        try {
            return items.get(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    public List<T> list() {
        lock.readLock().lock();
        try {
            return new ArrayList<>(items.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    public Set<String> keys() {
        lock.readLock().lock();
        try {
            return new HashSet<>(items.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return items.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Objects filed under {@code value} in index {@code indexName}. */
    public List<T> byIndex(String indexName, String value) {
        lock.readLock().lock();
        try {
            Map<String, Set<String>> idx = indexes.get(indexName);
            if (idx == null) {
                throw new IllegalArgumentException("no index named " + indexName + "; have " + indexers.keySet());
            }
            Set<String> keys = idx.get(value);
            if (keys == null) {
                return List.of();
            }
            List<T> out = new ArrayList<>(keys.size());
            for (String k : keys) {
                out.add(items.get(k));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Index values currently present in {@code indexName}. */
    public Set<String> indexValues(String indexName) {
        lock.readLock().lock();
        try {
            Map<String, Set<String>> idx = indexes.get(indexName);
            return idx == null ? Set.of() : new HashSet<>(idx.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    private boolean sameIndexValues(T a, T b) {
        for (Indexer<T> i : indexers.values()) {
            if (!Objects.equals(i.apply(a), i.apply(b))) {
                return false;
            }
        }
        return true;
    }

    private void index(String key, T obj) {
        for (Map.Entry<String, Indexer<T>> e : indexers.entrySet()) {
            Collection<String> values = e.getValue().apply(obj);
            if (values == null) {
                continue;
            }
            Map<String, Set<String>> idx = indexes.get(e.getKey());
            for (String v : values) {
                idx.computeIfAbsent(v, x -> new HashSet<>()).add(key);
            }
        }
    }

    private void unindex(String key, T obj) {
        for (Map.Entry<String, Indexer<T>> e : indexers.entrySet()) {
            Collection<String> values = e.getValue().apply(obj);
            if (values == null) {
                continue;
            }
            Map<String, Set<String>> idx = indexes.get(e.getKey());
            for (String v : values) {
                Set<String> s = idx.get(v);
                if (s != null) {
                    s.remove(key);
                    if (s.isEmpty()) {
                        idx.remove(v);
                    }
                }
            }
        }
    }
}
