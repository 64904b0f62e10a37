package io.kubelite.bench.common;

import io.kubelite.store.local.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One kubelite component run as its own OS process: {@code java <jvmArgs> -cp <this JVM's
 * classpath> <mainClass> <args> --health-port P}, the same main class {@code kubelite
 * <component>} runs. Its output goes to a log file; {@link #close()} kills it.
 */
public final class ComponentProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int healthPort;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ComponentProcess(String name, Process process, int healthPort, Path log) {
        this.name = name;
        this.process = process;
        this.healthPort = healthPort;
        this.log = log;
    }

    public static ComponentProcess start(
            String name, String mainClass, List<String> jvmArgs, List<String> args, Path log) throws IOException {
        int port = LoopbackPorts.free();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        cmd.add("--health-port");
        cmd.add(Integer.toString(port));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ComponentProcess(name, p, port, log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Port of its {@code /healthz}, {@code /readyz} and {@code /metrics}. */
    public int healthPort() {
        return healthPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The sum of every sample of {@code name} (any labels) in its Prometheus {@code /metrics}, or NaN
     * if it has none or did not answer.
     */
    public double metric(String name) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            double sum = Double.NaN;
            for (String line :
                    http.send(req, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    sum = Double.isNaN(sum) ? v : sum + v;
                }
            }
            return sum;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    public double cpuSeconds() {
        return ProcStat.cpuSeconds(process.pid());
    }

    /** Polls {@code /readyz} until it answers 200; false on timeout or if the process died. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
                .timeout(Duration.ofSeconds(5))
                .build();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
