package io.kubelite.bench.logs;

import io.kubelite.bench.common.Percentiles;
import java.util.List;

/**
 * Times one query over HTTP, {@code runs} times one after another (after {@code warmup} untimed
 * runs), and keeps the last answer's size so the printout shows what the query found.
 */
final class QueryTimer {
    /** A query as a user would type it, with its range, limit and direction. */
    record Spec(String name, String query, long startNanos, long endNanos, int limit, boolean forward) {}

    /** The timings of one spec and how many lines its answer held. */
    record Timing(Spec spec, Percentiles latency, int answered) {}

    private final LokiQueries queries;

    QueryTimer(LokiQueries queries) {
        this.queries = queries;
    }

    Timing time(Spec spec, int warmup, int runs) throws Exception {
        int answered = 0;
        for (int i = 0; i < warmup; i++) {
            answered = run(spec).size();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            answered = run(spec).size();
            nanos[i] = System.nanoTime() - t0;
        }
        return new Timing(spec, Percentiles.of(nanos), answered);
    }

    private List<String> run(Spec s) throws Exception {
        return queries.lines(s.query(), s.startNanos(), s.endNanos(), s.limit(), s.forward());
    }
}
