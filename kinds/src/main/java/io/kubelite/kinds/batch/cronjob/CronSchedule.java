package io.kubelite.kinds.batch.cronjob;

import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob schedule as kube reads it ({@code robfig/cron}'s {@code ParseStandard}): five fields
 * (minute, hour, day of month, month, day of week; names such as {@code JAN} and {@code SUN}; a
 * day of month and a day of week both restricted match either, as Vixie cron), {@code ?} for
 * {@code *} in the day fields, the descriptors {@code @yearly @annually @monthly @weekly @daily
 * @midnight @hourly}, and {@code @every <duration>}. The five-field forms are parsed by
 * cron-utils' UNIX definition; errors are worded as robfig's where they are common (the field
 * count, ranges, unknown descriptors). Immutable and thread-safe.
 */
public final class CronSchedule {
    private static final CronParser PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.UNIX));
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final Pattern RANGE = Pattern.compile("Value (-?\\d+) not in range \\[(\\d+), (\\d+)\\]");

    private final ExecutionTime cron;
    private final Duration every;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime cron, Duration every, ZoneId zone) {
        this.cron = cron;
        this.every = every;
        this.zone = zone;
    }

    /** Thrown for a schedule robfig's standard parser refuses; the message is its error. */
    public static final class InvalidScheduleException extends IllegalArgumentException {
        InvalidScheduleException(String message) {
            super(message);
        }
    }

    /** Parses {@code schedule}, evaluated in {@code zone} (the CronJob's timeZone, else UTC). */
    public static CronSchedule parse(String schedule, ZoneId zone) {
        String s = schedule.trim();
        if (s.startsWith("@")) {
            if (s.startsWith("@every ")) {
                return new CronSchedule(
                        null, every(s.substring("@every ".length()).trim()), zone);
            }
            String expr = DESCRIPTORS.get(s);
            if (expr == null) {
                throw new InvalidScheduleException("unrecognized descriptor: " + s);
            }
            s = expr;
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 5) {
            throw new InvalidScheduleException(
                    "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]");
        }
        for (int i = 2; i < 5; i += 2) {
            if (fields[i].equals("?")) {
                fields[i] = "*";
            }
        }
        try {
            return new CronSchedule(ExecutionTime.forCron(PARSER.parse(String.join(" ", fields))), null, zone);
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException(robfigMessage(e.getMessage(), fields));
        }
    }

    /** Parses with UTC, for validation. */
    public static CronSchedule parse(String schedule) {
        return parse(schedule, ZoneOffset.UTC);
    }

    /**
     * The first activation strictly after {@code t}, at whole seconds, or null when the schedule
     * never fires again (a day that does not exist, such as February 31st).
     */
    public Instant next(Instant t) {
        if (every != null) {
            // robfig's ConstantDelaySchedule: t + delay, rounded down to the second
            return t.plus(every).truncatedTo(ChronoUnit.SECONDS);
        }
        ZonedDateTime z = t.atZone(zone);
        return cron.nextExecution(z).map(ZonedDateTime::toInstant).orElse(null);
    }

    private static Duration every(String d) {
        Duration parsed = GoDuration.parse(d);
        if (parsed == null) {
            throw new InvalidScheduleException(
                    "failed to parse duration @every " + d + ": time: invalid duration \"" + d + "\"");
        }
        // robfig: at least one second, whole seconds
        Duration whole = Duration.ofSeconds(parsed.getSeconds());
        return whole.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : whole;
    }

    private static String robfigMessage(String msg, String[] fields) {
        Matcher m = RANGE.matcher(msg == null ? "" : msg);
        if (m.find()) {
            long v = Long.parseLong(m.group(1));
            String field = fieldContaining(fields, m.group(1));
            if (v < Long.parseLong(m.group(2))) {
                return "beginning of range (" + v + ") below minimum (" + m.group(2) + "): " + field;
            }
            return "end of range (" + v + ") above maximum (" + m.group(3) + "): " + field;
        }
        return msg;
    }

    private static String fieldContaining(String[] fields, String value) {
        for (String f : fields) {
            for (String part : f.split("[-,/]")) {
                if (part.equals(value)) {
                    return f;
                }
            }
        }
        return value;
    }

    /** Go's {@code time.ParseDuration} for the units a schedule uses (h, m, s, ms). */
    static final class GoDuration {
        private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

        private GoDuration() {}

        static Duration parse(String d) {
            if (d.isEmpty()) {
                return null;
            }
            Matcher m = PART.matcher(d);
            int at = 0;
            List<Duration> parts = new ArrayList<>();
            while (m.find() && m.start() == at) {
                double n = Double.parseDouble(m.group(1));
                long nanos = switch (m.group(2)) {
                    case "h" -> (long) (n * 3600e9);
                    case "m" -> (long) (n * 60e9);
                    case "s" -> (long) (n * 1e9);
                    default -> (long) (n * 1e6);
                };
                parts.add(Duration.ofNanos(nanos));
                at = m.end();
            }
            if (at != d.length()) {
                return null;
            }
            return parts.stream().reduce(Duration.ZERO, Duration::plus);
        }
    }
}
