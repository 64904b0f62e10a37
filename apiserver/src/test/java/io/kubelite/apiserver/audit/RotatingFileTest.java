package io.kubelite.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation as kube-apiserver's audit log (lumberjack): by size, kept by count and by age. */
class RotatingFileTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static byte[] line(char c) {
        return (String.valueOf(c).repeat(39) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullFileIsRenamedWithTheTimeAndOnlyMaxBackupsAreKept() throws Exception {
        TestClock clock = new TestClock();
        Path log = dir.resolve("audit.log");
        try (RotatingFile f = new RotatingFile(log, 100, 2, Duration.ZERO, clock)) {
            for (char c = 'a'; c <= 'h'; c++) { // 40 bytes each: two lines per file
                f.write(line(c));
                clock.now = clock.now.plusSeconds(1);
            }
            f.flush();
        }
        assertThat(Files.readString(log)).isEqualTo("g".repeat(39) + "\n" + "h".repeat(39) + "\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(
                            // c,d rotated out when e came; e,f when g came; a,b (10-00-02) is one too many
                            "audit-2026-12-05T10-00-04.000.log", "audit-2026-12-05T10-00-06.000.log", "audit.log")
                    .hasSize(3);
        }
        assertThat(Files.readString(dir.resolve("audit-2026-12-05T10-00-06.000.log")))
                .isEqualTo("e".repeat(39) + "\n" + "f".repeat(39) + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                .isEqualTo("rw-------");
    }

    @Test
    void backupsOlderThanMaxAgeAreRemovedAtTheNextRotation() throws Exception {
        TestClock clock = new TestClock();
        Path log = dir.resolve("audit.log");
        try (RotatingFile f = new RotatingFile(log, 40, 0, Duration.ofDays(1), clock)) {
            f.write(line('a'));
            f.write(line('b')); // rotates a out at 10:00
            clock.now = clock.now.plus(Duration.ofHours(25));
            f.write(line('c')); // rotates b out; a is 25 h old
            assertThat(f.backups())
                    .extracting(b -> b.path().getFileName().toString())
                    .containsExactly("audit-2026-12-06T11-00-00.000.log");
        }
    }

    @Test
    void anExistingLogIsAppendedTo() throws Exception {
        Path log = dir.resolve("audit.log");
        Files.writeString(log, "old\n");
        try (RotatingFile f = new RotatingFile(log, 1000, 0, Duration.ZERO, new TestClock())) {
            f.write("new\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.readString(log)).isEqualTo("old\nnew\n");
    }
}
