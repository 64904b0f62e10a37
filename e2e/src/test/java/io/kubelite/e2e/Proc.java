package io.kubelite.e2e;

import io.kubelite.launcher.ComponentKind;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One component process: a JVM running the component's main class from the test
 * classpath (the built distribution), with its output in a log file and its state read
 * from its health port ({@code /readyz}, {@code /metrics}). Can be killed with SIGKILL,
 * stopped with SIGTERM, frozen with SIGSTOP and thawed with SIGCONT, and started again
 * with the same arguments.
 */
final class Proc {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final ComponentKind kind;
    final String id;
    final List<String> args;
    final int healthPort;
    final Path log;
    /** The API port, for API servers. */
    volatile int apiPort;

    private volatile Process process;
    private int starts;

    Proc(ComponentKind kind, String id, List<String> args, int healthPort, Path log) {
        this.kind = kind;
        this.id = id;
        this.args = List.copyOf(args);
        this.healthPort = healthPort;
        this.log = log;
    }

    /** Starts (or starts again) the process with the same arguments; output is appended to {@link #log}. */
    synchronized Proc start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is already running (pid " + process.pid() + ")");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dkubelite.component=" + kind.command());
        cmd.add("-Dkubelite.e2e=" + id);
        String opts = System.getenv()
                .getOrDefault(
                        "KUBELITE_E2E_JAVA_OPTS",
                        "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1");
        for (String o : opts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(componentClasspath());
        cmd.add(kind.mainClass());
        cmd.addAll(args);
        cmd.add("--health-port");
        cmd.add(Integer.toString(healthPort));
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "==== start #" + (++starts) + ": " + String.join(" ", args) + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id, e);
        }
        return this;
    }

    /** The test classpath without what only the tests use (the fabric8 client, the test classes). */
    static String componentClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("/io/fabric8/")
                        && !e.contains("/tools/jackson/")
                        && !e.contains("/e2e/target/test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Exit code, or null while running / never started. */
    Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    /** kill -9. Returns once the process is gone. */
    void kill9() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            await(p, Duration.ofSeconds(10));
        }
    }

    /** SIGTERM; SIGKILL if it has not exited after {@code grace}. */
    void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        signal("CONT"); // a frozen process cannot handle SIGTERM
        p.destroy();
        if (!await(p, grace)) {
            p.destroyForcibly();
            await(p, Duration.ofSeconds(10));
        }
    }

    void sigstop() {
        signal("STOP");
    }

    void sigcont() {
        signal("CONT");
    }

    private void signal(String sig) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid()))
                    .inheritIO()
                    .start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean await(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** GET on the health port; null when it does not answer. */
    String health(String path) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean ready() {
        String r = health("/readyz");
        return r != null && r.startsWith("200 ");
    }

    /** A metric's value summed over its series; NaN when the process does not answer. */
    double metric(String name) {
        String r = health("/metrics");
        if (r == null || !r.startsWith("200 ")) {
            return Double.NaN;
        }
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$");
        Matcher m = p.matcher(r);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    /** True while this process reports itself leader ({@code leader_election_master_status == 1}). */
    boolean leading() {
        return metric("leader_election_master_status") == 1.0;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Occurrences of {@code text} in the log. */
    long logCount(String text) {
        return logText().lines().filter(l -> l.contains(text)).count();
    }

    /** Number of times this process has been started. */
    int starts() {
        return starts;
    }

    @Override
    public String toString() {
        Process p = process;
        return id + (p == null ? "" : " (pid " + p.pid() + (p.isAlive() ? "" : ", exited " + p.exitValue()) + ")");
    }
}
