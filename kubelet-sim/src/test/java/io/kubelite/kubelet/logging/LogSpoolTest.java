package io.kubelite.kubelet.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on real files: order, the persisted mark across reopen, the bound, the lock. */
class LogSpoolTest {
    @TempDir
    Path dir;

    static byte[] rec(int i) {
        return ("record " + i + " " + "x".repeat(90)).getBytes(StandardCharsets.UTF_8); // 100 bytes + \n
    }

    static List<String> texts(LogSpool.Batch b) {
        return b.records().stream()
                .map(r -> new String(r, StandardCharsets.UTF_8).split(" ")[1])
                .toList();
    }

    @Test
    void aReopenedSpoolResumesAfterTheLastAcknowledgedBatch() throws Exception {
        try (LogSpool s = LogSpool.open(dir, 1 << 20)) {
            for (int i = 0; i < 10; i++) {
                s.append(rec(i));
            }
            LogSpool.Batch first = s.read(4, 1 << 20);
            assertThat(texts(first)).containsExactly("0", "1", "2", "3");
            s.acknowledge(first.end());
            LogSpool.Batch second = s.read(4, 1 << 20);
            assertThat(texts(second)).containsExactly("4", "5", "6", "7");
            // not acknowledged: a crash here sends them again
        }
        try (LogSpool s = LogSpool.open(dir, 1 << 20)) {
            assertThat(texts(s.read(100, 1 << 20))).containsExactly("4", "5", "6", "7", "8", "9");
            assertThat(s.hasUnshipped()).isTrue();
        }
    }

    @Test
    void overflowDropsTheOldestUnshippedRecordsAndCountsThem() throws Exception {
        try (LogSpool s = LogSpool.open(dir, 2048)) { // segments of 1024 bytes
            long dropped = 0;
            for (int i = 0; i < 60; i++) {
                dropped += s.append(rec(i));
            }
            assertThat(s.bytes()).as("within the bound").isLessThanOrEqualTo(2048);
            List<String> left = texts(s.read(1000, 1 << 20));
            assertThat(dropped + left.size())
                    .as("every record either kept or counted")
                    .isEqualTo(60);
            assertThat(left).as("the newest are kept").endsWith("59").doesNotContain("0");
            assertThat(Integer.parseInt(left.get(0))).isEqualTo((int) dropped);
        }
    }

    @Test
    void recordsInFlightAreNotCountedAsDropped() throws Exception {
        try (LogSpool s = LogSpool.open(dir, 2048)) {
            for (int i = 0; i < 10; i++) {
                s.append(rec(i));
            }
            LogSpool.Batch inFlight = s.read(10, 1 << 20);
            long dropped = 0;
            for (int i = 10; i < 40; i++) {
                dropped += s.append(rec(i));
            }
            s.acknowledge(inFlight.end()); // the store took them after all
            List<String> left = texts(s.read(1000, 1 << 20));
            assertThat(10 + dropped + left.size()).isEqualTo(40);
        }
    }

    @Test
    void aSpoolInUseCannotBeOpenedTwice() throws Exception {
        try (LogSpool s = LogSpool.open(dir, 4096)) {
            assertThatThrownBy(() -> LogSpool.open(dir, 4096))
                    .isInstanceOf(Exception.class)
                    .hasMessageContaining("in use");
        }
    }
}
