package io.kubelite.bench.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another JVM's heap as {@code jcmd} reports it: used now, or used after a full collection (the
 * live set). Read from outside so that the measured process carries no probe; {@code GC.run}
 * does cost it one full collection.
 */
public final class JcmdHeap {
    /** "garbage-first heap total 123K, used 45K" (G1) or "PSYoungGen total ..." lines summed by the JVM. */
    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private JcmdHeap() {}

    /** Bytes of heap in use now (no collection forced); -1 if jcmd gave nothing readable. */
    public static long usedBytes(long pid) throws IOException, InterruptedException {
        String out = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(out);
        long used = -1;
        // G1 prints one heap line; Parallel GC one per generation: sum the generations
        while (m.find()) {
            used = Math.max(used, 0) + Long.parseLong(m.group(1)) * 1024;
            if (out.contains("garbage-first heap")) {
                break;
            }
        }
        return used;
    }

    /** Bytes of heap in use right after a full collection ({@code jcmd GC.run}): the live set. */
    public static long liveBytes(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return usedBytes(pid);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process j = new ProcessBuilder("jcmd", Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
