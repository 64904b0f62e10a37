package io.kubelite.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The time range {@code [startNanos, endNanos)} of a {@code kl logs} answered from the log store:
 * from {@code --since} ago or {@code --since-time} (RFC 3339), else from the Unix epoch (all the
 * store keeps, as {@code kubectl logs} prints the whole log), to now.
 */
record StoreRange(long startNanos, long endNanos) {
    static StoreRange of(Duration since, String sinceTime, Clock clock) {
        long now = nanos(clock.instant());
        if (since != null && sinceTime != null) {
            throw new KlException("error: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        long start = 0;
        if (since != null) {
            start = now - since.toNanos();
        } else if (sinceTime != null) {
            try {
                start = nanos(OffsetDateTime.parse(sinceTime).toInstant());
            } catch (DateTimeParseException e) {
                throw new KlException("error: --since-time \"" + sinceTime
                        + "\" is not an RFC 3339 time (e.g. 2026-12-05T07:00:00Z)");
            }
        }
        // + 1: a line stamped this very nanosecond is included
        return new StoreRange(Math.max(0, start), now + 1);
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
