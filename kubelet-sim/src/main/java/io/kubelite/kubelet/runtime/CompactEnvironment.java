package io.kubelite.kubelet.runtime;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A container instance's environment as it keeps it for its life: immutable, in the order it
 * was given, names and values side by side in one array. A LinkedHashMap of the three image
 * variables cost some 250 bytes per container; this, about 60. Environments longer than
 * {@link #MAX_COMPACT} variables (many Services' links) stay a hashed map, for lookups.
 */
final class CompactEnvironment extends AbstractMap<String, String> {
    static final int MAX_COMPACT = 16;

    /** name, value, name, value, ... */
    private final String[] pairs;

    private CompactEnvironment(String[] pairs) {
        this.pairs = pairs;
    }

    /** An unmodifiable map equal to {@code env}, in its order. */
    static Map<String, String> of(Map<String, String> env) {
        if (env.size() > MAX_COMPACT) {
            return Collections.unmodifiableMap(env);
        }
        String[] pairs = new String[env.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return new CompactEnvironment(pairs);
    }

    @Override
    public int size() {
        return pairs.length / 2;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : pairs[i + 1];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    private int indexOf(Object name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return pairs.length / 2;
            }

            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < pairs.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (i >= pairs.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(pairs[i], pairs[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }
        };
    }
}
