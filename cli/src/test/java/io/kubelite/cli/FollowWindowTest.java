package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a followed search prints of overlapping answers: late lines once, nothing twice, nothing the limit cut. */
class FollowWindowTest {
    static LokiLines.Line line(long seconds, String text) {
        return new LokiLines.Line(seconds * 1_000_000_000L, "{\"pod\":\"p\"}", "p", "c", text);
    }

    @Test
    void aLateLineInsideTheLagIsPrintedOnceAndRepeatsAreNot() {
        FollowWindow w = new FollowWindow();
        w.first(List.of(line(100, "a"), line(105, "b")));
        assertThat(w.start()).as("from the first answer's oldest line").isEqualTo(100_000_000_000L);
        // the store now has a line stamped before b that its agent shipped late, and a new one
        List<LokiLines.Line> fresh =
                w.fresh(List.of(line(100, "a"), line(103, "late"), line(105, "b"), line(108, "c")));
        assertThat(fresh).extracting(LokiLines.Line::text).containsExactly("late", "c");
        assertThat(w.fresh(List.of(line(103, "late"), line(105, "b"), line(108, "c"))))
                .isEmpty();
        assertThat(w.start()).as("never before the first answer's oldest").isEqualTo(100_000_000_000L);
        w.fresh(List.of(line(120, "d")));
        assertThat(w.start()).as("10s before the newest printed").isEqualTo(110_000_000_000L);
    }

    @Test
    void linesOlderThanTheFirstAnswerAreNeverPrinted() {
        FollowWindow w = new FollowWindow();
        // --limit 1 backward printed only the newest line
        w.first(List.of(line(105, "newest")));
        assertThat(w.fresh(List.of(line(101, "cut by --limit"), line(105, "newest"), line(106, "next"))))
                .extracting(LokiLines.Line::text)
                .containsExactly("next");
    }

    @Test
    void beforeAnyLineThePollsRepeatTheFirstRange() {
        FollowWindow w = new FollowWindow();
        w.first(List.of());
        assertThat(w.started()).isFalse();
        assertThat(w.fresh(List.of(line(7, "x"))))
                .extracting(LokiLines.Line::text)
                .containsExactly("x");
        assertThat(w.started()).isTrue();
    }
}
