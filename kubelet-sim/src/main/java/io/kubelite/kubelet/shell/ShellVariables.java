package io.kubelite.kubelet.shell;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A shell's variables: those it inherited (its container's environment, or its parent shell's
 * variables for a subshell), read in place until the shell first sets or unsets one, and only
 * then copied. Most programs never assign a variable (a container's {@code sleep} loop, a probe's
 * command), and a copy of a container's environment held a hash map, its table and an entry per
 * variable in every shell, several hundred bytes a container. Iteration order is the inherited
 * one, then the order of new assignments, as with the {@link LinkedHashMap} copy it replaces. Not
 * thread-safe, like the frame that holds it; the inherited map must not change while it is shared.
 */
final class ShellVariables extends AbstractMap<String, String> {
    private final Map<String, String> inherited;
    private Map<String, String> own;

    ShellVariables(Map<String, String> inherited) {
        this.inherited = inherited;
    }

    private Map<String, String> read() {
        return own != null ? own : inherited;
    }

    private Map<String, String> write() {
        if (own == null) {
            own = new LinkedHashMap<>(inherited);
        }
        return own;
    }

    @Override
    public String get(Object key) {
        return read().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return read().containsKey(key);
    }

    @Override
    public int size() {
        return read().size();
    }

    @Override
    public String put(String key, String value) {
        return write().put(key, value);
    }

    @Override
    public String remove(Object key) {
        return containsKey(key) ? write().remove(key) : null;
    }

    @Override
    public void clear() {
        own = new LinkedHashMap<>();
    }

    /** Read-only until the first assignment; then the copy's own entries. */
    @Override
    public Set<Entry<String, String>> entrySet() {
        return own != null
                ? own.entrySet()
                : Collections.unmodifiableMap(inherited).entrySet();
    }
}
