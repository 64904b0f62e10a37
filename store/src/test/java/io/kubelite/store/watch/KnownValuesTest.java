package io.kubelite.store.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The registry's own rules, without etcd: exact revision matches, and bounded growth. */
class KnownValuesTest {
    @Test
    void onlyTheRememberedRevisionMatchesAndTheWatchReachingTheKeyForgetsIt() {
        KnownValues<String> known = new KnownValues<>();
        known.remember("/k", 10, "mine");
        assertThat(known.take("/k", 9)).isNull(); // an earlier value at the key: decode it
        assertThat(known.take("/k", 10)).isEqualTo("mine");
        assertThat(known.take("/k", 10)).isNull(); // taken once
        known.remember("/k", 12, "again");
        assertThat(known.take("/k", 13)).isNull(); // a later write by someone else
        assertThat(known.size()).isZero();
        assertThat(known.hits()).isEqualTo(1);
    }

    @Test
    void writesRememberedAfterTheWatchPassedThemAreNotKeptForever() {
        KnownValues<String> known = new KnownValues<>();
        known.passed(100);
        known.remember("/late", 90, "x"); // the watch delivered revision 90 already
        assertThat(known.size()).isZero();
        // remembered while the watch was still behind, then passed without taking them
        for (int i = 0; i < 5_000; i++) {
            known.remember("/k" + i, 101 + i, "v");
            known.passed(101 + i);
        }
        assertThat(known.size()).isLessThan(2_100);
    }
}
