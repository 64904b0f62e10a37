package io.kubelite.kubelet.bench;

import io.kubelite.kubelet.KubeletSimMain;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubelet-sim as its own OS process, started as {@code kubelite kubelet-sim} runs it
 * ({@code io.kubelite.kubelet.KubeletSimMain}) on this JVM's classpath, so that its CPU
 * and heap are measured apart from the benchmark's load generator and watcher. Reads
 * its figures from outside: /proc, {@code jcmd} and its /metrics endpoint.
 */
final class SimProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private final Process process;
    private final int healthPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SimProcess(Process process, int healthPort) {
        this.process = process;
        this.healthPort = healthPort;
    }

    /**
     * Starts it; {@code jvmArgs} e.g. {@code -Xmx1g}; {@code simArgs} are kubelet-sim
     * flags. Its output goes to {@code log}.
     */
    static SimProcess start(List<String> jvmArgs, List<String> simArgs, Path log) throws IOException {
        int port = FreePorts.next();
        List<String> args = new ArrayList<>(simArgs);
        args.addAll(List.of("--health-port", Integer.toString(port)));
        Process p = ChildJvm.builder(jvmArgs, KubeletSimMain.class, args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return new SimProcess(p, port);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until /readyz answers 200 (all nodes registered, informers synced). */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (get("/readyz").statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** A gauge's value from /metrics (first sample whose line starts with {@code name}), or NaN. */
    double metric(String name) {
        try {
            for (String line : get("/metrics").body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // reported as NaN
        }
        return Double.NaN;
    }

    /** Used heap in MiB right now (no GC forced), from {@code jcmd GC.heap_info}. */
    long heapUsedMiB() throws IOException, InterruptedException {
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) >> 10 : -1;
    }

    /**
     * Used heap in KiB after a full GC ({@code jcmd GC.run}): the live set. The least of three
     * readings: the simulator goes on allocating between the collection and the reading, by as
     * much as a few MiB on a busy machine.
     */
    long liveHeapKiB() throws IOException, InterruptedException {
        long least = -1;
        for (int i = 0; i < 3; i++) {
            jcmd("GC.run");
            Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
            if (m.find()) {
                long kib = Long.parseLong(m.group(1));
                least = least < 0 ? kib : Math.min(least, kib);
            }
        }
        return least;
    }

    /**
     * The bytes of the objects a full GC leaves, in KiB: the total of the live heap's class
     * histogram ({@code jcmd GC.class_histogram} collects and counts in one safepoint, so nothing
     * the simulator allocates after the collection is counted, and G1's partly filled regions are
     * not either). Unlike {@link #liveHeapKiB}, it does not depend on how busy the machine is:
     * under load, jcmd takes seconds to start, and {@code GC.heap_info} read 3 to 34 MiB above it.
     */
    long liveObjectsKiB() throws IOException, InterruptedException {
        Matcher m = HISTOGRAM_TOTAL.matcher(classHistogram());
        return m.find() ? Long.parseLong(m.group(1)) >> 10 : -1;
    }

    /** The live heap's class histogram ({@code jcmd GC.class_histogram}, which collects first). */
    String classHistogram() throws IOException, InterruptedException {
        return jcmd("GC.class_histogram");
    }

    /** Used heap in MiB after a full GC ({@code jcmd GC.run}): the live set. */
    long liveHeapMiB() throws IOException, InterruptedException {
        jcmd("GC.run");
        return heapUsedMiB();
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process j = new ProcessBuilder("jcmd", Long.toString(pid()), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then kill after 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
