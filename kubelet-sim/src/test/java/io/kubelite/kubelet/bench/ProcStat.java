package io.kubelite.kubelet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's /proc says about another process: CPU time (utime+stime, in clock
 * ticks of 10 ms: USER_HZ is 100 on Linux) and resident memory. Reading /proc costs the
 * observed process nothing, unlike an in-process probe.
 */
final class ProcStat {
    private static final double TICK_SECONDS = 0.01;

    private ProcStat() {}

    /** CPU seconds (user + system) the process has used so far. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name (field 2) may hold spaces: count fields after its closing ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) * TICK_SECONDS;
    }

    /** A "VmRSS"/"VmHWM"-style line of /proc/PID/status, in MiB. */
    static long statusMiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        return -1;
    }

    /** The 1-minute load average. */
    static String loadavg() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
