package io.kubelite.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks one container instance's lines out of everything the log store keeps of a pod name and
 * container, which spans every pod of that name (a StatefulSet's {@code web-0} recreated, a pod
 * deleted and created again) and every restart: the current instance, as {@code kubectl logs}
 * shows, is the newest pod UID's newest restart; {@code --previous} is the restart before it.
 * The newest pod UID is the one that wrote the newest line. Lines the store returned without
 * instance metadata (stored before it kept it) are all kept, since nothing tells them apart.
 */
final class ContainerInstances {
    private ContainerInstances() {}

    /** The lines of the current instance (or all lines, when none carries instance metadata). */
    static List<LokiLines.Line> current(List<LokiLines.Line> lines) {
        Optional<LokiLines.Line> newest = newest(lines);
        if (newest.isEmpty()) {
            return lines;
        }
        String uid = newest.get().podUid();
        int restart = lines.stream()
                .filter(l -> uid.equals(l.podUid()))
                .mapToInt(LokiLines.Line::restartCount)
                .max()
                .orElseThrow();
        return of(lines, uid, restart);
    }

    /**
     * The lines of the instance before the current one; empty when the store has none of it (or
     * cannot tell instances apart), which kubectl reports as "previous terminated container ... not found".
     */
    static List<LokiLines.Line> previous(List<LokiLines.Line> lines) {
        Optional<LokiLines.Line> newest = newest(lines);
        if (newest.isEmpty()) {
            return List.of();
        }
        String uid = newest.get().podUid();
        int restart = lines.stream()
                .filter(l -> uid.equals(l.podUid()))
                .mapToInt(LokiLines.Line::restartCount)
                .max()
                .orElseThrow();
        return of(lines, uid, restart - 1);
    }

    private static Optional<LokiLines.Line> newest(List<LokiLines.Line> lines) {
        return lines.stream().filter(l -> l.podUid() != null).max(Comparator.comparingLong(LokiLines.Line::ts));
    }

    private static List<LokiLines.Line> of(List<LokiLines.Line> lines, String uid, int restart) {
        return lines.stream()
                .filter(l -> uid.equals(l.podUid()) && l.restartCount() == restart)
                .toList();
    }
}
