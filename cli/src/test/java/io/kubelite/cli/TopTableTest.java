package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl top's value formats and tabwriter layout, as pure functions. */
class TopTableTest {
    @Test
    void cpuRoundsUpToMillicoresAndMemoryDownToMebibytes() {
        assertThat(TopTable.cpu("123456789n")).isEqualTo("124m");
        assertThat(TopTable.cpu("0")).isEqualTo("0m");
        assertThat(TopTable.cpu("1500u")).isEqualTo("2m");
        assertThat(TopTable.cpu("2")).isEqualTo("2000m");
        assertThat(TopTable.memory("12292Ki")).isEqualTo("12Mi");
        assertThat(TopTable.memory("1536Mi")).isEqualTo("1536Mi");
        assertThat(TopTable.memory("1000")).isEqualTo("0Mi");
    }

    @Test
    void percentIsTruncatedShareOfAvailable() {
        assertThat(TopTable.percent("250m", "4")).isEqualTo("6%");
        assertThat(TopTable.percent("1536Mi", "8Gi")).isEqualTo("18%");
        assertThat(TopTable.percent("1", "0")).isEqualTo("0%");
    }

    @Test
    void everyColumnIsPaddedToItsWidestCellPlusThreeAndAtLeastSix() {
        TopTable t = new TopTable();
        t.add(List.of("NAME", "CPU(cores)"));
        t.add(List.of("a", "2m"));
        assertThat(t.render()).isEqualTo("NAME   CPU(cores)   \na      2m           \n");
        TopTable narrow = new TopTable();
        narrow.add(List.of("a", "2m"));
        assertThat(narrow.render()).isEqualTo("a     2m    \n");
    }

    @Test
    void sumAddsQuantitiesOfMixedSuffixes() {
        assertThat(TopTable.cpu(TopTable.sum(List.of("5m", "123456789n")))).isEqualTo("129m");
        assertThat(TopTable.memory(TopTable.sum(List.of("64Mi", "16384Ki")))).isEqualTo("80Mi");
    }
}
