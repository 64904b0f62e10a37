package io.kubelite.etcdlite;

import io.kubelite.store.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** etcdlite in a child JVM, so a test can kill -9 it. */
final class LiteProcess implements AutoCloseable {
    private final Process process;

    private LiteProcess(Process process) {
        this.process = process;
    }

    static LiteProcess start(Path dataDir, int port, String... extra) {
        // C1 only: tests want a fast start, not peak throughput
        return start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), dataDir, port, extra);
    }

    /** With the JVM's full JIT, for benchmarks. */
    static LiteProcess startForBenchmark(Path dataDir, int port, String... extra) {
        return start(List.of("-Xmx512m"), dataDir, port, extra);
    }

    private static LiteProcess start(List<String> jvm, Path dataDir, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + port));
        args.addAll(List.of(extra));
        try {
            Process p = ChildJvm.builder(jvm, EtcdLite.class, args)
                    .redirectErrorStream(true)
                    .start();
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                if (line.startsWith("etcdlite ready on")) {
                                    ready.complete(true);
                                }
                            }
                        } catch (IOException ignored) {
                            // process gone
                        }
                        ready.complete(false);
                    },
                    "etcdlite-child-output");
            reader.setDaemon(true);
            reader.start();
            LiteProcess lp = new LiteProcess(p);
            try {
                if (!ready.get(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(
                            "etcdlite child exited with " + p.waitFor() + " before it was ready");
                }
            } catch (Exception e) {
                lp.kill();
                throw new IllegalStateException("etcdlite child did not start", e);
            }
            return lp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
