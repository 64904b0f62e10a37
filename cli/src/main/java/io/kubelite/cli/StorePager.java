package io.kubelite.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads complete answers from the log store, whose {@code query_range} returns at most
 * {@value LogStoreClient#MAX_LIMIT} lines: it asks again with the range's start (forward) or end
 * (backward) moved to the last page's boundary timestamp, inclusive, and drops the lines at that
 * timestamp the previous page already gave. Lines sharing a timestamp are thus neither repeated
 * nor skipped, as long as fewer than a page of them share one nanosecond (more is refused with
 * a message: no range can then step past them). Stateless apart from the client.
 */
final class StorePager {
    private final LogStoreClient store;
    private final int page;

    StorePager(LogStoreClient store) {
        this(store, LogStoreClient.MAX_LIMIT);
    }

    /** {@code page}: lines per request (tests use small pages). */
    StorePager(LogStoreClient store, int page) {
        this.store = store;
        this.page = page;
    }

    /** Every line of {@code logql} in {@code [startNanos, endNanos)}, oldest first. */
    List<LokiLines.Line> all(String logql, long startNanos, long endNanos) {
        List<LokiLines.Line> out = new ArrayList<>();
        Map<String, Integer> seenAtBoundary = Map.of();
        long from = startNanos;
        while (true) {
            List<LokiLines.Line> got = store.queryRange(logql, from, endNanos, page, true);
            out.addAll(unseen(got, from, seenAtBoundary));
            if (got.size() < page) {
                return out;
            }
            long last = got.get(got.size() - 1).ts();
            if (got.get(0).ts() == last && last == from) {
                throw tooManyAt(last);
            }
            seenAtBoundary = keysAt(got, last);
            from = last;
        }
    }

    /** The newest {@code n} lines of {@code logql} in {@code [startNanos, endNanos)}, oldest first. */
    List<LokiLines.Line> newest(String logql, long startNanos, long endNanos, long n) {
        List<LokiLines.Line> newestFirst = new ArrayList<>();
        Map<String, Integer> seenAtBoundary = Map.of();
        long boundary = Long.MIN_VALUE;
        long to = endNanos;
        while (newestFirst.size() < n) {
            int skip =
                    seenAtBoundary.values().stream().mapToInt(Integer::intValue).sum();
            int limit = (int) Math.min(page, n - newestFirst.size() + skip);
            List<LokiLines.Line> got = store.queryRange(logql, startNanos, to, limit, false);
            List<LokiLines.Line> fresh = new ArrayList<>(unseen(got, boundary, seenAtBoundary));
            Collections.reverse(fresh);
            for (LokiLines.Line l : fresh) {
                if (newestFirst.size() < n) {
                    newestFirst.add(l);
                }
            }
            if (got.size() < limit) {
                break;
            }
            if (fresh.isEmpty()) {
                throw tooManyAt(got.get(0).ts());
            }
            boundary = got.get(0).ts();
            seenAtBoundary = keysAt(got, boundary);
            to = boundary + 1;
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** {@code got} without the lines at {@code boundary} that {@code seen} counts (each once). */
    private static List<LokiLines.Line> unseen(List<LokiLines.Line> got, long boundary, Map<String, Integer> seen) {
        if (seen.isEmpty()) {
            return got;
        }
        Map<String, Integer> left = new HashMap<>(seen);
        List<LokiLines.Line> out = new ArrayList<>(got.size());
        for (LokiLines.Line l : got) {
            if (l.ts() == boundary && left.getOrDefault(l.key(), 0) > 0) {
                left.merge(l.key(), -1, Integer::sum);
            } else {
                out.add(l);
            }
        }
        return out;
    }

    private static Map<String, Integer> keysAt(List<LokiLines.Line> got, long ts) {
        Map<String, Integer> keys = new HashMap<>();
        for (LokiLines.Line l : got) {
            if (l.ts() == ts) {
                keys.merge(l.key(), 1, Integer::sum);
            }
        }
        return keys;
    }

    private KlException tooManyAt(long ts) {
        return new KlException("error: the log store holds " + page + " or more matching lines stamped " + ts
                + " (one nanosecond); kl cannot page past them: narrow the query");
    }
}
