package io.kubelite.apiserver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code kubectl} binary, pointed at one API server through its own kubeconfig
 * (in a temp dir of the caller's): the fixture of the kubectl contract tests. The binary is
 * {@code $KUBECTL} or {@code kubectl} on the PATH. When there is none, {@link #find} prints
 * a loud banner to stderr and aborts the calling test (JUnit reports it skipped), so a
 * machine without kubectl says so instead of passing silently.
 */
public final class Kubectl {
    private static final long TIMEOUT_SECONDS = 60;

    private final String binary;
    private final Path kubeconfig;

    private Kubectl(String binary, Path kubeconfig) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
    }

    /** What one kubectl run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        /** The stdout, failing with both streams when kubectl exited non-zero. */
        public String ok() {
            if (exitCode != 0) {
                throw new AssertionError("kubectl exited " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
            return out;
        }
    }

    /**
     * kubectl against {@code server} ({@code http://127.0.0.1:PORT} or https) with an optional
     * bearer token and CA file; aborts the test, loudly, when no kubectl binary exists.
     */
    public static Kubectl find(Path dir, String server, String token, Path caFile) throws IOException {
        String binary = binary();
        StringBuilder cfg = new StringBuilder();
        cfg.append("apiVersion: v1\nkind: Config\ncurrent-context: test\n");
        cfg.append("clusters:\n- name: test\n  cluster:\n    server: ")
                .append(server)
                .append('\n');
        if (caFile != null) {
            cfg.append("    certificate-authority: ")
                    .append(caFile.toAbsolutePath())
                    .append('\n');
        }
        cfg.append("users:\n- name: test\n  user:");
        cfg.append(token == null ? " {}\n" : "\n    token: " + token + "\n");
        cfg.append("contexts:\n- name: test\n  context:\n    cluster: test\n    user: test\n    namespace: default\n");
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, cfg);
        return new Kubectl(binary, file);
    }

    /**
     * kubectl with {@code kubeconfig} exactly as given (say, the one {@code kubelite up} wrote,
     * with its CA and client certificate); aborts the test, loudly, when no kubectl binary exists.
     */
    public static Kubectl withKubeconfig(Path kubeconfig) {
        return new Kubectl(binary(), kubeconfig.toAbsolutePath());
    }

    /**
     * The kubectl binary's name or path; when there is none, prints a loud banner to stderr and
     * aborts the calling test or class (JUnit reports it skipped).
     */
    public static String require() {
        return binary();
    }

    private static String binary() {
        String binary = System.getenv().getOrDefault("KUBECTL", "kubectl");
        if (!onPath(binary)) {
            System.err.println("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    + "!!! kubectl not found (set KUBECTL or put kubectl on the PATH):\n"
                    + "!!! the kubectl contract tests are SKIPPED on this machine\n"
                    + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            Assumptions.abort("kubectl not found");
        }
        return binary;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Runs {@code kubectl ARGS} with this kubeconfig and no stdin. */
    public Result run(String... args) {
        return run(null, Map.of(), args);
    }

    /** Runs {@code kubectl ARGS} with {@code stdin} (null: none) and extra environment variables. */
    public Result run(String stdin, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // no cache shared between tests or with the user's ~/.kube
        pb.environment()
                .put("KUBECACHEDIR", kubeconfig.getParent().resolve("cache").toString());
        pb.environment().putAll(env);
        Process p = null;
        try {
            p = pb.start();
            Process proc = p;
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(proc.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(proc.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(
                        "kubectl " + String.join(" ", args) + " still running after " + TIMEOUT_SECONDS + "s");
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("kubectl " + String.join(" ", args) + ": " + e, e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * {@code kubectl ARGS} with a terminal for its standard input and output (util-linux
     * {@code script} allocates a pseudo-terminal), as a user runs {@code kubectl exec -it}:
     * {@code typed} is what the user types once the terminal shows something (the remote
     * program's first output, e.g. a shell's prompt), as a user waits for the prompt: typing
     * before kubectl has set the terminal up races its setup. The output is the terminal's (CR LF
     * line ends, the remote terminal's echo); the exit code is kubectl's. A failure shows the
     * terminal so far.
     */
    public Result runInTerminal(String typed, String... args) {
        return runInTerminal(typed, Map.of(), args);
    }

    /** {@link #runInTerminal(String, String...)} with extra environment variables for kubectl. */
    public Result runInTerminal(String typed, Map<String, String> env, String... args) {
        StringBuilder line =
                new StringBuilder(quote(binary)).append(" --kubeconfig=").append(quote(kubeconfig.toString()));
        for (String a : args) {
            line.append(' ').append(quote(a));
        }
        List<String> cmd = List.of("script", "--quiet", "--return", "--command", line.toString(), "/dev/null");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment()
                .put("KUBECACHEDIR", kubeconfig.getParent().resolve("cache").toString());
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        Process p = null;
        try {
            p = pb.start();
            Process proc = p;
            StringBuffer shown = new StringBuffer();
            CompletableFuture<Void> out = CompletableFuture.runAsync(() -> copy(proc.getInputStream(), shown));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            io.kubelite.store.testing.Poll.until(
                    java.time.Duration.ofSeconds(TIMEOUT_SECONDS),
                    "kubectl " + String.join(" ", args) + " showing something on its terminal",
                    () -> shown.length() > 0 || !proc.isAlive());
            // stdin stays open until kubectl ends: script would otherwise hang up the terminal at EOF
            var in = p.getOutputStream();
            in.write(typed.getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("kubectl " + String.join(" ", args) + " still running after " + TIMEOUT_SECONDS
                        + "s; terminal so far:\n" + shown);
            }
            in.close();
            out.get(5, TimeUnit.SECONDS);
            return new Result(p.exitValue(), shown.toString(), "");
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("kubectl " + String.join(" ", args) + ": " + e, e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Starts {@code kubectl ARGS} in the background (a watch: {@code get -w}); its stdout is
     * read line by line into {@link Background#awaitLine}. Close it to end the process.
     */
    public Background start(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment()
                .put("KUBECACHEDIR", kubeconfig.getParent().resolve("cache").toString());
        try {
            return new Background(String.join(" ", args), pb.start());
        } catch (IOException e) {
            throw new AssertionError("kubectl " + String.join(" ", args) + ": " + e, e);
        }
    }

    /** A running kubectl whose output lines (stdout and stderr) arrive as it prints them. */
    public static final class Background implements AutoCloseable {
        private final String command;
        private final Process process;
        private final java.util.concurrent.BlockingQueue<String> lines =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        private Background(String command, Process process) {
            this.command = command;
            this.process = process;
            Thread reader = new Thread(
                    () -> {
                        try (var in = new java.io.BufferedReader(
                                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                lines.add(line);
                            }
                        } catch (IOException ignored) {
                            // the process ended
                        }
                    },
                    "kubectl-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line matching {@code p}, skipping others; fails with every line seen after {@code timeout}. */
        public String awaitLine(java.util.function.Predicate<String> p, java.time.Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError("kubectl " + command + ": no expected line within " + timeout
                                + " (alive: " + process.isAlive() + "); lines seen:\n" + String.join("\n", seen));
                    }
                    seen.add(line);
                    if (p.test(line)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Waits for the process to end by itself and returns its exit code; fails after {@code timeout}. */
        public int awaitExit(java.time.Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("kubectl " + command + " still running after " + timeout
                            + "; lines seen:\n" + String.join("\n", seen));
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Whether the process still runs. */
        public boolean alive() {
            return process.isAlive();
        }

        /** Every line read so far by {@link #awaitLine}. */
        public List<String> seen() {
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Copies {@code in} into {@code to} as it comes, so that a failure can show what came so far. */
    private static void copy(java.io.InputStream in, StringBuffer to) {
        var reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8);
        char[] buf = new char[4096];
        try {
            for (int n; (n = reader.read(buf)) >= 0; ) {
                to.append(buf, 0, n);
            }
        } catch (IOException e) {
            to.append("<unreadable: ").append(e).append('>');
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    private static boolean onPath(String binary) {
        if (binary.contains("/")) {
            return Files.isExecutable(Path.of(binary));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
