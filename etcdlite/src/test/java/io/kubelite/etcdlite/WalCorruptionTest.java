package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up on a damaged log: a checksum failure in the middle of the last segment is
 * corruption (refuse to start, name file and offset, touch nothing), while a torn tail —
 * the last record, or a record with a never-written all-zero sector — is cut, as etcd does.
 */
class WalCorruptionTest {
    private static final int KEYS = 10;
    private Path dir;

    @BeforeEach
    void writeTenKeys() throws Exception {
        dir = Files.createTempDirectory("etcdlite-walcorrupt");
        try (EtcdLite lite = EtcdLite.start(new EtcdLite.Options().dataDir(dir).listen("127.0.0.1:0"));
                Client c =
                        Client.builder().endpoints("http://" + lite.endpoint()).build()) {
            for (int i = 0; i < KEYS; i++) {
                // 2 KiB values: every record spans whole 512-byte sectors
                c.getKVClient()
                        .put(bs("/k" + i), bs(("v" + i + "-").repeat(400)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private Path segment() throws IOException {
        List<Long> segs = Wal.segments(dir);
        return Wal.segmentPath(dir, segs.get(segs.size() - 1));
    }

    /** Start offsets of the records of a segment, from their length headers. */
    private static List<Integer> recordOffsets(byte[] wal) {
        List<Integer> offs = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(wal);
        while (b.remaining() >= 8) {
            offs.add(b.position());
            int len = b.getInt();
            b.position(b.position() + 4 + len);
        }
        return offs;
    }

    private List<String> keysAfterStart() throws Exception {
        try (EtcdLite lite = EtcdLite.start(new EtcdLite.Options().dataDir(dir).listen("127.0.0.1:0"));
                Client c =
                        Client.builder().endpoints("http://" + lite.endpoint()).build()) {
            return c
                    .getKVClient()
                    .get(
                            bs("/k"),
                            io.etcd.jetcd.options.GetOption.builder()
                                    .isPrefix(true)
                                    .withKeysOnly(true)
                                    .build())
                    .get(10, TimeUnit.SECONDS)
                    .getKvs()
                    .stream()
                    .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void flippedBytesInsideAnEarlierRecordStopStartUpNamingFileAndOffset() throws Exception {
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        List<Integer> offs = recordOffsets(bytes);
        assertThat(offs).hasSizeGreaterThanOrEqualTo(KEYS);
        int victim = offs.get(offs.size() - 5);
        for (int i = victim + 100; i < victim + 104; i++) {
            bytes[i] ^= (byte) 0xff;
        }
        Files.write(wal, bytes);

        assertRefusesToStart(wal, bytes, "record at offset " + victim + " fails its checksum");

        // the command line says so in one line, without a stack trace
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        EtcdLite.class.getName(),
                        "--data-dir",
                        dir.toString(),
                        "--listen",
                        "127.0.0.1:0")
                .redirectErrorStream(true)
                .start();
        byte[] out;
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            out = p.getInputStream().readAllBytes();
        } finally {
            p.destroyForcibly().waitFor();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isEqualTo(2);
        assertThat(text)
                .contains("etcdlite: corrupt write-ahead log " + wal + ": record at offset " + victim)
                .doesNotContain("\tat ");
    }

    @Test
    void aChecksumFailureInTheLastRecordWithoutAZeroSectorIsCorruptionToo() throws Exception {
        // a crash leaves a short record or never-written (zero) sectors, not changed bytes: etcd refuses as well
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        List<Integer> offs = recordOffsets(bytes);
        int last = offs.get(offs.size() - 1);
        bytes[last + 20] ^= (byte) 0xff;
        Files.write(wal, bytes);
        assertRefusesToStart(wal, bytes, "record at offset " + last + " fails its checksum");
    }

    @Test
    void aShortLastRecordIsATornTailAndIsCut() throws Exception {
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        List<Integer> offs = recordOffsets(bytes);
        int last = offs.get(offs.size() - 1);
        Files.write(wal, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        List<String> keys = keysAfterStart();
        assertThat(keys).hasSize(KEYS - 1).doesNotContain("/k" + (KEYS - 1));
        assertThat(Files.size(wal)).isEqualTo(last);
    }

    @Test
    void aZeroFilledTailIsCutAndEveryRecordKept() throws Exception {
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        Files.write(wal, java.util.Arrays.copyOf(bytes, bytes.length + 4096));
        assertThat(keysAfterStart()).hasSize(KEYS);
        assertThat(Files.size(wal)).isEqualTo(bytes.length);
    }

    @Test
    void anImpossibleLengthInTheMiddleIsCorruption() throws Exception {
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        List<Integer> offs = recordOffsets(bytes);
        int victim = offs.get(offs.size() - 5);
        bytes[victim] = (byte) 0x7f; // the length's high byte: far over any record
        Files.write(wal, bytes);
        assertRefusesToStart(wal, bytes, "record at offset " + victim + " has an impossible length");
    }

    /** Start-up fails naming {@code what}, and the log stays as it was, for inspection. */
    private void assertRefusesToStart(Path wal, byte[] bytes, String what) throws IOException {
        assertThatThrownBy(
                        () -> EtcdLite.start(new EtcdLite.Options().dataDir(dir).listen("127.0.0.1:0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(wal.toString())
                .hasMessageContaining(what)
                .hasMessageContaining("refusing to start");
        assertThat(Files.readAllBytes(wal))
                .as("the log is left as it was, for inspection")
                .isEqualTo(bytes);
    }

    @Test
    void aRecordWithANeverWrittenZeroSectorIsATornWriteAndTheLogIsCutThere() throws Exception {
        Path wal = segment();
        byte[] bytes = Files.readAllBytes(wal);
        List<Integer> offs = recordOffsets(bytes);
        int victim = offs.get(offs.size() - 3);
        int sector = (victim + 8 + 511) / 512 * 512; // first whole sector inside the record's payload
        assertThat(sector + 512).isLessThanOrEqualTo(offs.get(offs.size() - 2));
        for (int i = sector; i < sector + 512; i++) {
            bytes[i] = 0;
        }
        Files.write(wal, bytes);
        List<String> keys = keysAfterStart();
        assertThat(keys).hasSize(KEYS - 3).doesNotContain("/k" + (KEYS - 3), "/k" + (KEYS - 2), "/k" + (KEYS - 1));
        assertThat(Files.size(wal)).isEqualTo(victim);
    }
}
