package io.kubelite.bench.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The disk under a directory, measured raw with the JDK's {@link FileChannel}: a sequential write
 * of a given number of bytes (1 MiB writes) with an fsync every {@code fsyncEvery} bytes and at the
 * end, and the rate of small appends each followed by an fsync. Each test file is deleted
 * afterwards, also on failure. Random bytes, so no layer below can compress them away.
 */
final class RawDisk {
    static final int WRITE_BYTES = 1 << 20;

    /** {@code bytes} written in {@code seconds} with {@code fsyncs} fsyncs. */
    record Result(long bytes, double seconds, long fsyncs) {
        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }

        double fsyncsPerSecond() {
            return fsyncs / seconds;
        }
    }

    private final Path dir;

    RawDisk(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code bytes} sequentially to a new file, fsyncing after every {@code fsyncEvery} bytes and at the end. */
    Result sequential(long bytes, long fsyncEvery) throws IOException {
        if (bytes <= 0 || fsyncEvery <= 0) {
            throw new IllegalArgumentException("bytes and fsyncEvery must be positive");
        }
        ByteBuffer buf = randomBuffer(WRITE_BYTES);
        Path f = Files.createTempFile(dir, "raw-disk-seq", ".bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            long t0 = System.nanoTime();
            long written = 0;
            long sinceSync = 0;
            long fsyncs = 0;
            while (written < bytes) {
                int n = (int) Math.min(WRITE_BYTES, bytes - written);
                buf.clear().limit(n);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                written += n;
                sinceSync += n;
                if (sinceSync >= fsyncEvery || written == bytes) {
                    ch.force(true);
                    fsyncs++;
                    sinceSync = 0;
                }
            }
            return new Result(written, (System.nanoTime() - t0) / 1e9, fsyncs);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Appends {@code appendBytes} and fsyncs, over and over for {@code length}: the disk's fsync rate. */
    Result fsyncLoop(int appendBytes, Duration length) throws IOException {
        ByteBuffer buf = randomBuffer(appendBytes);
        Path f = Files.createTempFile(dir, "raw-disk-fsync", ".bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            long t0 = System.nanoTime();
            long end = t0 + length.toNanos();
            long fsyncs = 0;
            long written = 0;
            while (System.nanoTime() < end) {
                buf.clear();
                while (buf.hasRemaining()) {
                    written += ch.write(buf);
                }
                ch.force(true);
                fsyncs++;
            }
            return new Result(written, (System.nanoTime() - t0) / 1e9, fsyncs);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static ByteBuffer randomBuffer(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return ByteBuffer.wrap(b);
    }
}
