package io.kubelite.kubelet.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Quantity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The idle usage model: a pure function of seed, identity and tick, within its documented ranges. */
class IdleUsageTest {
    private static final long MIB = 1024 * 1024;

    private static List<Double> draws(long seed, String container, int n) {
        List<Double> out = new ArrayList<>();
        long id = IdleUsage.identity(container);
        for (int k = 0; k < n; k++) {
            out.add(IdleUsage.noise(seed, id, k));
        }
        return out;
    }

    @Test
    void sameSeedAndContainerDrawTheSameSequence() {
        assertThat(draws(42, "default/web/app", 100)).isEqualTo(draws(42, "default/web/app", 100));
        assertThat(draws(42, "default/web/app", 100))
                .as("another seed")
                .isNotEqualTo(draws(43, "default/web/app", 100));
        assertThat(draws(42, "default/web/app", 100))
                .as("another container")
                .isNotEqualTo(draws(42, "default/web/side", 100));
    }

    @Test
    void noiseIsUniformEnoughInUnitInterval() {
        List<Double> d = draws(1, "ns/p/c", 10_000);
        assertThat(d).allMatch(x -> x >= 0 && x < 1);
        double mean = d.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).as("mean of 10,000 draws").isBetween(0.48, 0.52);
    }

    @Test
    void idleCpuIsFiveToTwentyPercentOfTheRequestAndCappedByTheLimit() {
        for (double n : new double[] {0, 0.5, 0.999}) {
            assertThat(IdleUsage.cores(500, 0, n)).isBetween(0.025, 0.1);
            assertThat(IdleUsage.cores(0, 0, n))
                    .as("no request: 1-5 millicores")
                    .isBetween(0.001, 0.005);
            assertThat(IdleUsage.cores(0, 2, n)).as("capped by a 2m limit").isLessThanOrEqualTo(0.002);
        }
    }

    @Test
    void idleMemoryIsTenToTwentyPercentOfTheRequestInWholePages() {
        long request = Quantity.bytes("200Mi");
        for (double n : new double[] {0, 0.5, 0.999}) {
            long b = IdleUsage.bytes(request, 0, n);
            assertThat(b).isBetween(request / 10 - IdleUsage.PAGE, request / 5);
            assertThat(b % IdleUsage.PAGE).isZero();
            assertThat(IdleUsage.bytes(0, 0, n)).as("no request: 4-8 MiB").isBetween(4 * MIB - IdleUsage.PAGE, 8 * MIB);
            assertThat(IdleUsage.bytes(0, 10 * MIB, n))
                    .as("no request, 10Mi limit: at most 2 MiB")
                    .isLessThanOrEqualTo(2 * MIB);
        }
    }
}
