package io.kubelite.logstore.http;

import io.kubelite.store.runtime.DurationConverter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Loki's query parameters, parsed as Loki parses them: timestamps are RFC 3339 (with up to nine
 * fraction digits), Unix seconds with a fraction ({@code 1733382000.5}), Unix seconds (up to ten
 * digits) or Unix nanoseconds; {@code limit} defaults to 100 and may not exceed 5000 (Loki's
 * {@code max_entries_limit_per_query}); {@code direction} is {@code forward} or {@code backward}
 * (default, newest first). Stateless.
 */
final class LokiParams {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 5000;

    private LokiParams() {}

    /** A parsed time range {@code [startNanos, endNanos)}. */
    record Range(long startNanos, long endNanos) {}

    /** {@code start}/{@code end}/{@code since}: end defaults to now, start to end minus since (default 1h). */
    static Range range(String start, String end, String since, Instant now) throws BadRequestException {
        long endNanos = end == null || end.isEmpty() ? nanos(now) : time("end", end);
        long startNanos;
        if (start != null && !start.isEmpty()) {
            startNanos = time("start", start);
        } else {
            Duration back = Duration.ofHours(1);
            if (since != null && !since.isEmpty()) {
                try {
                    back = DurationConverter.parse(since);
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException("invalid since: " + e.getMessage());
                }
            }
            startNanos = endNanos - back.toNanos();
        }
        if (endNanos <= startNanos) {
            throw new BadRequestException("end timestamp must not be before or equal to start time");
        }
        return new Range(startNanos, endNanos);
    }

    static long time(String name, String value) throws BadRequestException {
        try {
            if (value.contains(".") && !value.contains("T")) {
                BigDecimal seconds = new BigDecimal(value);
                return seconds.movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact();
            }
            if (value.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
                long n = Long.parseLong(value);
                // as Loki: ten digits or fewer are seconds, more are nanoseconds
                return value.length() <= 10 ? Math.multiplyExact(n, 1_000_000_000L) : n;
            }
            return nanos(OffsetDateTime.parse(value).toInstant());
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new BadRequestException("invalid " + name + " \"" + value
                    + "\": use RFC 3339 (2026-12-05T07:00:00Z), Unix seconds or Unix nanoseconds");
        }
    }

    static int limit(String value) throws BadRequestException {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException("invalid limit \"" + value + "\": must be a positive integer");
        }
        if (limit <= 0) {
            throw new BadRequestException("limit must be a positive value");
        }
        if (limit > MAX_LIMIT) {
            throw new BadRequestException("max entries limit per query exceeded, limit > max_entries_limit_per_query ("
                    + limit + " > " + MAX_LIMIT + ")");
        }
        return limit;
    }

    /** True for forward. */
    static boolean forward(String value) throws BadRequestException {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "forward" -> true;
            case "backward" -> false;
            default -> throw new BadRequestException("invalid direction '" + value + "': use forward or backward");
        };
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
