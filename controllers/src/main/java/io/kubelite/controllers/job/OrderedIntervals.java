package io.kubelite.controllers.job;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code orderedIntervals}: a set of completion indexes as sorted, disjoint intervals,
 * read from and written as {@code status.completedIndexes} ({@code "0-2,4,6,7"}: three or more
 * consecutive indexes as a range, two as a pair). Immutable.
 */
final class OrderedIntervals {
    record Interval(int first, int last) {}

    static final OrderedIntervals EMPTY = new OrderedIntervals(List.of());

    private final List<Interval> intervals;

    private OrderedIntervals(List<Interval> intervals) {
        this.intervals = List.copyOf(intervals);
    }

    /** kube's {@code parseIndexesFromString}: indexes at or above {@code completions} are dropped, bad parts skipped. */
    static OrderedIntervals parse(String s, int completions) {
        if (s == null || s.isEmpty()) {
            return EMPTY;
        }
        List<Interval> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String[] limits = part.split("-");
            int first;
            int last;
            try {
                first = Integer.parseInt(limits[0]);
                if (first >= completions) {
                    break;
                }
                last = limits.length > 1 ? Math.min(Integer.parseInt(limits[1]), completions - 1) : first;
            } catch (NumberFormatException e) {
                continue;
            }
            if (!out.isEmpty() && out.get(out.size() - 1).last() == first - 1) {
                Interval prev = out.remove(out.size() - 1);
                out.add(new Interval(prev.first(), last));
            } else {
                out.add(new Interval(first, last));
            }
        }
        return new OrderedIntervals(out);
    }

    /** These intervals plus {@code indexes} (in increasing order). */
    OrderedIntervals withOrderedIndexes(List<Integer> indexes) {
        List<Interval> add = new ArrayList<>();
        for (int i : indexes) {
            add.add(new Interval(i, i));
        }
        return merge(new OrderedIntervals(add));
    }

    OrderedIntervals merge(OrderedIntervals other) {
        List<Interval> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        List<Interval> a = intervals;
        List<Interval> b = other.intervals;
        while (i < a.size() || j < b.size()) {
            Interval next;
            if (j >= b.size() || (i < a.size() && a.get(i).first() < b.get(j).first())) {
                next = a.get(i++);
            } else {
                next = b.get(j++);
            }
            if (out.isEmpty() || next.first() > out.get(out.size() - 1).last() + 1) {
                out.add(next);
            } else if (out.get(out.size() - 1).last() < next.last()) {
                Interval prev = out.remove(out.size() - 1);
                out.add(new Interval(prev.first(), next.last()));
            }
        }
        return new OrderedIntervals(out);
    }

    int total() {
        int n = 0;
        for (Interval iv : intervals) {
            n += iv.last() - iv.first() + 1;
        }
        return n;
    }

    boolean has(int ix) {
        for (Interval iv : intervals) {
            if (iv.first() <= ix && ix <= iv.last()) {
                return true;
            }
        }
        return false;
    }

    List<Interval> intervals() {
        return intervals;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Interval v : intervals) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(v.first());
            if (v.last() > v.first()) {
                b.append(v.last() == v.first() + 1 ? ',' : '-').append(v.last());
            }
        }
        return b.toString();
    }
}
