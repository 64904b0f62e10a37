package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kubelet's CrashLoopBackOff timing: first restart at once, then 10 s doubling to 5 min (here 10 ms to 80 ms). */
class RestartBackoffTest {
    @Test
    void theFirstExitRestartsAtOnceThenTheWaitDoublesUpToTheMax() {
        RestartBackoff b = new RestartBackoff(10, 80);
        assertThat(b.remaining(1_000, 1_000)).as("first exit").isZero();
        b.next(1_000);
        assertThat(b.current()).isEqualTo(10);
        assertThat(b.remaining(1_005, 1_005)).isEqualTo(10);
        assertThat(b.remaining(1_005, 1_012)).isEqualTo(3);
        long t = 1_005;
        for (long expected : new long[] {20, 40, 80, 80}) {
            b.next(t);
            assertThat(b.current()).isEqualTo(expected);
            t += 1;
        }
    }

    @Test
    void aContainerThatRanLongerThanTwiceTheMaxStartsOver() {
        RestartBackoff b = new RestartBackoff(10, 80);
        b.next(0);
        b.next(1);
        assertThat(b.current()).isEqualTo(20);
        assertThat(b.remaining(1 + 161, 1 + 161)).as("ran 161 ms > 2 x 80").isZero();
        b.next(162);
        assertThat(b.current()).isEqualTo(10);
    }

    @Test
    void restoredFromARestartCount() {
        RestartBackoff b = new RestartBackoff(10, 80);
        b.restore(3, 500);
        assertThat(b.current()).isEqualTo(40);
        assertThat(b.remaining(500, 510)).isEqualTo(30);
        b.restore(0, 600);
        assertThat(b.current()).as("a count of 0 changes nothing").isEqualTo(40);
    }
}
