package io.kubelite.launcher;

import java.util.EnumMap;
import java.util.Map;

/**
 * What each process {@code kubelite up} starts serves besides its health port: the endpoint
 * {@code kubelite status} lists, and the note on {@code up}'s ready line (e.g. {@code , http on
 * 127.0.0.1:3100}). Kinds without one have neither.
 */
final class ServedEndpoints {
    private record Served(String endpoint, String readyNote) {}

    private final Map<ComponentKind, Served> byKind = new EnumMap<>(ComponentKind.class);

    ServedEndpoints add(ComponentKind kind, String endpoint, String readyNote) {
        byKind.put(kind, new Served(endpoint, readyNote));
        return this;
    }

    /** For {@code kubelite status}; null when the kind serves nothing else. */
    String endpoint(ComponentKind kind) {
        Served s = byKind.get(kind);
        return s == null ? null : s.endpoint();
    }

    /** Appended to the ready line: {@code ", " + note}, or "" when none. */
    String readyNote(ComponentKind kind) {
        Served s = byKind.get(kind);
        return s == null ? "" : ", " + s.readyNote();
    }
}
