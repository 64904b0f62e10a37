package io.kubelite.bench.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw disk figures count what they wrote and fsynced, and leave no file behind. */
class RawDiskTest {
    @TempDir
    Path dir;

    @Test
    void sequentialWritesTheBytesWithAnFsyncPerStepAndAtTheEnd() throws Exception {
        RawDisk.Result r = new RawDisk(dir).sequential(5L * RawDisk.WRITE_BYTES + 10, 2L * RawDisk.WRITE_BYTES);

        assertThat(r.bytes()).isEqualTo(5L * RawDisk.WRITE_BYTES + 10);
        assertThat(r.fsyncs()).isEqualTo(3); // after 2 MiB, 4 MiB, and the end
        assertThat(r.megabytesPerSecond()).isPositive();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void fsyncLoopCountsEveryAppend() throws Exception {
        RawDisk.Result r = new RawDisk(dir).fsyncLoop(4096, Duration.ofMillis(200));

        assertThat(r.fsyncs()).isPositive();
        assertThat(r.bytes()).isEqualTo(r.fsyncs() * 4096);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void procIoWriteBytesIsParsed() {
        assertThat(ProcIo.parseWriteBytes(
                        "rchar: 1\nwchar: 2\nread_bytes: 0\nwrite_bytes: 123456\ncancelled_write_bytes: 0\n"))
                .isEqualTo(123456);
        assertThat(ProcIo.parseWriteBytes("rchar: 1\n")).isEqualTo(-1);
        assertThat(ProcIo.writeBytes(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(0);
    }
}
