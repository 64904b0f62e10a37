package io.kubelite.launcher;

import io.kubelite.store.local.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One component the launcher runs as its own JVM on the launcher's classpath, with its
 * output appended to its log file and its readiness read from its health port.
 */
final class ManagedProcess {
    private final String name;
    private final Process process;
    private final int healthPort;
    private final Path log;

    private ManagedProcess(String name, Process process, int healthPort, Path log) {
        this.name = name;
        this.process = process;
        this.healthPort = healthPort;
        this.log = log;
    }

    static ManagedProcess start(ComponentKind kind, List<String> args, int healthPort, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // first on the command line, so `down` recognises the process even where only a prefix of it is visible
        cmd.add(marker(kind));
        String opts = System.getenv()
                .getOrDefault("KUBELITE_COMPONENT_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        for (String o : opts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(kind.mainClass());
        cmd.addAll(args);
        if (healthPort > 0) {
            cmd.add("--health-port");
            cmd.add(Integer.toString(healthPort));
        }
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(Sessions.inNewSession(cmd))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return new ManagedProcess(kind.command(), p, healthPort, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + kind.command(), e);
        }
    }

    /** What identifies a component process started by the launcher on its command line. */
    static String marker(ComponentKind kind) {
        return "-Dkubelite.component=" + kind.command();
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    int healthPort() {
        return healthPort;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    /** Polls the log until a line contains {@code marker} (for processes without a health port). */
    boolean awaitLogLine(String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (Files.exists(log) && Files.readString(log).contains(marker)) {
                    return true;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Polls {@code /readyz} until 200; false if the process exits or the deadline passes. */
    boolean awaitReady(Duration timeout) {
        return awaitReady(healthPort, timeout, process::isAlive);
    }

    static boolean awaitReady(int port, Duration timeout, java.util.function.BooleanSupplier alive) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && alive.getAsBoolean()) {
            if (ready(http, port)) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    static boolean ready(HttpClient http, int port) {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        stop(process.toHandle(), grace);
    }

    static void stop(ProcessHandle h, Duration grace) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // gone or unkillable; nothing more to do
            }
        }
    }

    /** The last lines of the component's log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
