package io.kubelite.logstore.logql;

import java.util.List;
import java.util.Map;

/**
 * A parsed log query: a stream selector (every matcher must hold) and a chain of line filters
 * (every filter must pass). Immutable; safe to share between threads.
 */
public record LogQuery(List<LabelMatcher> matchers, List<LineFilter> filters) {
    public LogQuery {
        matchers = List.copyOf(matchers);
        filters = List.copyOf(filters);
    }

    /** Whether a stream with these labels is selected. */
    public boolean selects(Map<String, String> labels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** Whether a line passes every filter. */
    public boolean passes(String line) {
        for (LineFilter f : filters) {
            if (!f.test(line)) {
                return false;
            }
        }
        return true;
    }
}
