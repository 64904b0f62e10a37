package io.kubelite.bench.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's /proc says about a process: CPU seconds (utime+stime, in clock ticks of
 * 10 ms) and the machine's load average. Reading /proc costs the observed process nothing.
 */
public final class ProcStat {
    private static final double TICK_SECONDS = 0.01;

    private ProcStat() {}

    /** CPU seconds (user + system) the process has used so far; NaN once it is gone. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces: count fields after its closing ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_SECONDS;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Resident set size in bytes ({@code VmRSS} of /proc/PID/status); -1 once the process is gone. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /** The 1, 5 and 15-minute load averages, as /proc/loadavg prints them. */
    public static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
