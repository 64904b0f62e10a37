package io.kubelite.apiserver.fieldmanager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A server-side apply that would change fields other managers own, without {@code force}:
 * kube's 409 Conflict, naming each manager and field.
 */
public final class ApplyConflictException extends RuntimeException {
    /** One conflicting field and the manager that owns it. */
    public record Conflict(Manager manager, String field) {}

    private final List<Conflict> conflicts;

    ApplyConflictException(List<Conflict> conflicts) {
        super(message(conflicts), null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    /** kube's {@code getConflictMessage}, word for word. */
    private static String message(List<Conflict> conflicts) {
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            return "Apply failed with 1 conflict: conflict with " + c.manager().describe() + ": " + c.field();
        }
        Map<String, List<String>> byManager = new TreeMap<>();
        for (Conflict c : conflicts) {
            byManager
                    .computeIfAbsent(c.manager().describe(), k -> new ArrayList<>())
                    .add(c.field());
        }
        List<String> lines = new ArrayList<>();
        byManager.forEach((m, fields) -> {
            lines.add("conflicts with " + m + ":");
            fields.forEach(f -> lines.add("- " + f));
        });
        return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
}
