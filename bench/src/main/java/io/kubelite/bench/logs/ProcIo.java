package io.kubelite.bench.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes a process caused to be written to storage ({@code write_bytes} of Linux's
 * {@code /proc/PID/io}): everything it wrote, merges and rewrites included, not just what it keeps.
 */
final class ProcIo {
    private ProcIo() {}

    /** {@code write_bytes} of the process; -1 if unreadable (gone, or /proc/PID/io not available). */
    static long writeBytes(long pid) {
        try {
            return parseWriteBytes(Files.readString(Path.of("/proc/" + pid + "/io")));
        } catch (IOException e) {
            return -1;
        }
    }

    static long parseWriteBytes(String procIo) {
        for (String line : procIo.split("\n")) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        return -1;
    }
}
