package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.shell.ShellAst.Node;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed shell scripts, shared by every program that runs the same one: the containers of a
 * ReplicaSet run one command, and its syntax tree (immutable) took some 500 bytes in each.
 * Remembers at most {@link #MAX_SCRIPTS} scripts of at most {@link #MAX_LENGTH} characters, the
 * first ones seen; others are parsed for each program. Thread-safe.
 */
public final class ShellScripts {
    static final int MAX_SCRIPTS = 1024;
    static final int MAX_LENGTH = 4096;

    /** Parses every script anew: for programs that have no runtime's scripts to share. */
    public static final ShellScripts UNSHARED = new ShellScripts(false);

    private final Map<String, Node> parsed;

    /** An empty set of scripts, shared by the programs given it. */
    public ShellScripts() {
        this(true);
    }

    private ShellScripts(boolean sharing) {
        this.parsed = sharing ? new ConcurrentHashMap<>() : Map.of();
    }

    /** The syntax tree of {@code script}. Throws {@link ShellSyntaxException} when it does not parse. */
    public Node parse(String script) {
        Node n = parsed.get(script);
        if (n != null) {
            return n;
        }
        n = ShellParser.parse(script);
        if (parsed instanceof ConcurrentHashMap<String, Node> m
                && script.length() <= MAX_LENGTH
                && m.size() < MAX_SCRIPTS) {
            Node seen = m.putIfAbsent(script, n);
            return seen != null ? seen : n;
        }
        return n;
    }
}
