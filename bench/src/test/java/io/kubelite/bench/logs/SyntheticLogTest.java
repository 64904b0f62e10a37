package io.kubelite.bench.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark's lines are what its report claims: 200 bytes, repeatable, with the stated frequencies. */
class SyntheticLogTest {
    final SyntheticLog log = new SyntheticLog(1_000);

    @Test
    void everyLineIs200AsciiCharactersAndRepeatable() {
        for (long n = 0; n < 10_000; n++) {
            String l = log.line(n);
            assertThat(l).hasSize(SyntheticLog.LINE_LENGTH);
            assertThat(l.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(l).isTrue();
        }
        assertThat(log.line(42)).isEqualTo(new SyntheticLog(1_000).line(42));
        assertThat(log.line(42)).isNotEqualTo(log.line(43));
    }

    @Test
    void frequenciesAreAboutWhatTheQueriesAssume() {
        int n = 200_000, errors = 0, serverErrors = 0, rare = 0, rareFlagged = 0;
        for (long i = 0; i < n; i++) {
            String l = log.line(i);
            errors += l.startsWith("level=error") ? 1 : 0;
            serverErrors += l.matches(".* status=5\\d\\d .*") ? 1 : 0;
            rare += l.contains(SyntheticLog.RARE_TERM) ? 1 : 0;
            rareFlagged += log.isRare(i) ? 1 : 0;
        }
        assertThat(rare).isEqualTo(rareFlagged);
        assertThat(errors).isBetween(n / SyntheticLog.ERROR_EVERY * 8 / 10, n / SyntheticLog.ERROR_EVERY * 12 / 10);
        assertThat(serverErrors)
                .isBetween(n / SyntheticLog.SERVER_ERROR_EVERY * 8 / 10, n / SyntheticLog.SERVER_ERROR_EVERY * 12 / 10);
        assertThat(rare).isBetween(n / 1_000 * 7 / 10, n / 1_000 * 13 / 10);
    }
}
