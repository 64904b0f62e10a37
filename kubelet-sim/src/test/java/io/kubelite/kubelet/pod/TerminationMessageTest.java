package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.runtime.ContainerLog;
import org.junit.jupiter.api.Test;

/** The log fallback of a termination message: the kubelet's 80 lines and 2048 bytes. */
class TerminationMessageTest {
    @Test
    void lastEightyLinesEachWithItsNewline() {
        ContainerLog log = new ContainerLog(() -> 0L);
        for (int i = 1; i <= 85; i++) {
            log.write("l" + i + "\n");
        }
        log.write("partial");
        log.close();
        String m = TerminationMessage.fromLog(log);
        assertThat(m).startsWith("l7\n").endsWith("l85\npartial\n");
        assertThat(m.split("\n")).hasSize(80);
    }

    @Test
    void cutAtTwoThousandFortyEightBytesEvenInsideACharacter() {
        ContainerLog even = new ContainerLog(() -> 0L);
        even.write("é".repeat(1500) + "\n");
        even.close();
        assertThat(TerminationMessage.fromLog(even)).isEqualTo("é".repeat(1024));

        // the kubelet cuts bytes: half a character becomes U+FFFD once the status is JSON
        ContainerLog odd = new ContainerLog(() -> 0L);
        odd.write("a" + "é".repeat(1500) + "\n");
        odd.close();
        assertThat(TerminationMessage.fromLog(odd)).isEqualTo("a" + "é".repeat(1023) + "\uFFFD");
    }

    @Test
    void emptyLogNoMessage() {
        ContainerLog log = new ContainerLog(() -> 0L);
        log.close();
        assertThat(TerminationMessage.fromLog(log)).isEmpty();
    }
}
