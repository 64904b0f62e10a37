package io.kubelite.kubelet.shell;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A {@link SimulatedFilesystem}'s own files: path → content, as two arrays sorted by path. A
 * container holds half a dozen files (/etc/hosts, /etc/hostname, /etc/resolv.conf, a touched
 * file, nginx's pages), which a {@code TreeMap} kept in one 40-byte entry each plus the map;
 * here they take two small arrays (about 8 bytes a file). Lookups are binary searches; an insert
 * or removal moves the tail (at most {@link SimulatedFilesystem#MAX_FILES} entries). Not
 * thread-safe: its filesystem guards it.
 */
final class FileTable {
    private static final String[] NO_PATHS = new String[0];
    private static final Object[] NO_VALUES = new Object[0];

    private String[] paths = NO_PATHS;
    private Object[] values = NO_VALUES;
    private int size;

    int size() {
        return size;
    }

    boolean containsKey(String path) {
        return indexOf(path) >= 0;
    }

    /** The content at {@code path}, or null. */
    Object get(String path) {
        int i = indexOf(path);
        return i >= 0 ? values[i] : null;
    }

    /** Sets the content at {@code path}; returns the previous one, or null. */
    Object put(String path, Object value) {
        int i = indexOf(path);
        if (i >= 0) {
            Object old = values[i];
            values[i] = value;
            return old;
        }
        int at = -i - 1;
        if (size == paths.length) {
            int capacity = Math.max(4, size + (size >> 1));
            paths = Arrays.copyOf(paths, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        System.arraycopy(paths, at, paths, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        paths[at] = path;
        values[at] = value;
        size++;
        return null;
    }

    /** Removes the file at {@code path}; returns its content, or null if there was none. */
    Object remove(String path) {
        int i = indexOf(path);
        if (i < 0) {
            return null;
        }
        Object old = values[i];
        removeAt(i);
        return old;
    }

    /** Removes every file whose path matches. */
    void removeIf(Predicate<String> path) {
        for (int i = size - 1; i >= 0; i--) {
            if (path.test(paths[i])) {
                removeAt(i);
            }
        }
    }

    void clear() {
        paths = NO_PATHS;
        values = NO_VALUES;
        size = 0;
    }

    /** Every file in path order. */
    void forEach(BiConsumer<String, Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept(paths[i], values[i]);
        }
    }

    private void removeAt(int i) {
        System.arraycopy(paths, i + 1, paths, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        paths[size] = null;
        values[size] = null;
    }

    private int indexOf(String path) {
        return Arrays.binarySearch(paths, 0, size, path);
    }
}
