package io.kubelite.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a followed {@code kl logs search} has printed, to ask again without missing or repeating
 * lines. Node log agents ship in batches, so a line may reach the store after later-stamped ones
 * were already read: each poll asks again from {@link #LAG} before the newest line printed and
 * prints only the lines not printed yet. Never earlier than the first answer's oldest line, whose
 * older neighbours the first query's limit left out on purpose.
 */
final class FollowWindow {
    /** How late (by its own timestamp) a line may reach the store and still be printed. */
    static final long LAG = 10_000_000_000L;

    private final Map<String, Long> printed = new HashMap<>();
    private long floor = Long.MIN_VALUE;
    private long newest = Long.MIN_VALUE;

    /** Records the first answer's lines, all printed. */
    void first(List<LokiLines.Line> lines) {
        if (!lines.isEmpty()) {
            floor = lines.get(0).ts();
        }
        lines.forEach(this::remember);
    }

    /** Whether anything was printed yet; until then polls repeat the first query's range. */
    boolean started() {
        return newest != Long.MIN_VALUE;
    }

    /** The Unix-nanosecond start of the next poll. */
    long start() {
        return Math.max(floor, newest - LAG);
    }

    /** The lines of a poll's answer (oldest first) not printed yet, now counted as printed. */
    List<LokiLines.Line> fresh(List<LokiLines.Line> answer) {
        List<LokiLines.Line> out = new ArrayList<>();
        for (LokiLines.Line l : answer) {
            if (l.ts() >= floor && !printed.containsKey(l.key())) {
                out.add(l);
                remember(l);
            }
        }
        // lines before the window are never asked for again
        long cutoff = start();
        printed.values().removeIf(ts -> ts < cutoff);
        return out;
    }

    private void remember(LokiLines.Line l) {
        printed.put(l.key(), l.ts());
        newest = Math.max(newest, l.ts());
    }
}
