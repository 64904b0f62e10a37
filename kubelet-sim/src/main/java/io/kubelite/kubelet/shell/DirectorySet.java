package io.kubelite.kubelet.shell;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A filesystem's directory paths as a shared, immutable base (an image's usual directories) and
 * this tree's own differences from it: the directories it made and the base ones it removed. An
 * nginx container that makes {@code /usr/share/nginx/html} holds those two paths, not a copy of
 * the twenty it started with. Not thread-safe: its {@link SimulatedFilesystem} guards it.
 */
final class DirectorySet {
    private final Set<String> base;
    /** Made here; null until the first. */
    private Set<String> added;
    /** Base directories removed here; null until the first. */
    private Set<String> removed;

    /** {@code base} is shared and never changed. */
    DirectorySet(Set<String> base) {
        this.base = base;
    }

    boolean contains(String path) {
        return (added != null && added.contains(path))
                || (base.contains(path) && (removed == null || !removed.contains(path)));
    }

    void add(String path) {
        if (base.contains(path)) {
            if (removed != null) {
                removed.remove(path);
            }
            return;
        }
        if (added == null) {
            added = new TreeSet<>();
        }
        added.add(path.intern()); // the same directories are made in many containers
    }

    void removeIf(Predicate<String> which) {
        if (added != null) {
            added.removeIf(which);
        }
        for (String d : base) {
            if (which.test(d)) {
                if (removed == null) {
                    removed = new HashSet<>();
                }
                removed.add(d);
            }
        }
    }

    /** Every directory, in no particular order. */
    List<String> all() {
        List<String> out = new ArrayList<>(base.size() + (added == null ? 0 : added.size()));
        for (String d : base) {
            if (removed == null || !removed.contains(d)) {
                out.add(d);
            }
        }
        if (added != null) {
            out.addAll(added);
        }
        return out;
    }

    /** An independent copy with the same directories. */
    DirectorySet copy() {
        DirectorySet c = new DirectorySet(base);
        if (added != null) {
            c.added = new TreeSet<>(added);
        }
        if (removed != null) {
            c.removed = new HashSet<>(removed);
        }
        return c;
    }
}
