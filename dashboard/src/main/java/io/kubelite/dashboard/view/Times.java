package io.kubelite.dashboard.view;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** RFC 3339 timestamps as the API server writes them (whole seconds or fractions), compared as instants. */
final class Times {
    private Times() {}

    /** Compares two timestamps; an empty or unreadable one sorts before every real one. */
    static int compare(String a, String b) {
        return Long.compare(nanos(a), nanos(b));
    }

    private static long nanos(String t) {
        if (t == null || t.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            Instant i = Instant.parse(t);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
