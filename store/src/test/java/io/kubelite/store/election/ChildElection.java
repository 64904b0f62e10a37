package io.kubelite.store.election;

import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Test side of {@link ElectionChild}: starts it, collects its output, signals and kills it. */
final class ChildElection implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ChildElection(Process process) {
        this.process = process;
        this.reader = new Thread(this::readAll, "child-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildElection start(List<String> endpoints, String prefix, String election, String identity, Duration lease)
            throws IOException {
        List<String> args =
                List.of(String.join(",", endpoints), prefix, election, identity, Long.toString(lease.toMillis()));
        return new ChildElection(ChildJvm.builder(List.of(), ElectionChild.class, args)
                .redirectErrorStream(true)
                .start());
    }

    private void readAll() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading output failed: " + e + ")");
        }
    }

    long pid() {
        return process.pid();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    Optional<String> lineStartingWith(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
    }

    /** Waits for the first output line starting with one of {@code prefixes}. */
    String awaitLine(Duration timeout, String... prefixes) {
        return Poll.value(
                timeout,
                "child " + pid() + " to print a line starting with " + List.of(prefixes) + "; it printed " + lines,
                () -> {
                    for (String line : lines) {
                        for (String p : prefixes) {
                            if (line.startsWith(p)) {
                                return line;
                            }
                        }
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("child exited with " + process.exitValue() + ": " + lines);
                    }
                    return null;
                });
    }

    void send(String command) throws IOException {
        OutputStream out = process.getOutputStream();
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a signal by name (STOP, CONT) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid() + " failed");
        }
    }

    /** kill -9, and waits until the process is gone. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + pid() + " survived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly(); // SIGKILL also ends a SIGSTOPped process
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
