package io.kubelite.logstore.index;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A partition's time span and its directory name, {@code 20261205T070000Z-PT1H}: the UTC start,
 * then the ISO-8601 length. Sorting names sorts partitions by start.
 */
record PartitionName(long startNanos, long endNanos) {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The partition of {@code length} that holds {@code tsNanos}, aligned to the Unix epoch. */
    static PartitionName containing(long tsNanos, Duration length) {
        long len = length.toNanos();
        long start = Math.floorDiv(tsNanos, len) * len;
        return new PartitionName(start, start + len);
    }

    String dirName() {
        return FORMAT.format(Instant.ofEpochSecond(0, startNanos)) + "-" + Duration.ofNanos(endNanos - startNanos);
    }

    boolean contains(long tsNanos) {
        return tsNanos >= startNanos && tsNanos < endNanos;
    }

    /** Whether the span overlaps {@code [from, to)}. */
    boolean overlaps(long from, long to) {
        return startNanos < to && endNanos > from;
    }

    /** The name of a partition directory, or empty for anything else in the data dir. */
    static Optional<PartitionName> parse(String dirName) {
        int dash = dirName.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            Instant start = FORMAT.parse(dirName.substring(0, dash), Instant::from);
            Duration len = Duration.parse(dirName.substring(dash + 1));
            if (len.isZero() || len.isNegative()) {
                return Optional.empty();
            }
            long s = start.getEpochSecond() * 1_000_000_000L + start.getNano();
            return Optional.of(new PartitionName(s, s + len.toNanos()));
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
