package io.kubelite.scheduler;

import io.kubelite.store.testing.EtcdCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link SchedulerMain} as a real OS process on the test classpath; output goes to target/process-logs. */
final class SchedulerProcess implements AutoCloseable {
    final String id;
    final Process process;
    final Path log;

    private SchedulerProcess(String id, Process process, Path log) {
        this.id = id;
        this.process = process;
        this.log = log;
    }

    static SchedulerProcess start(EtcdCluster etcd, String prefix, String id, String... extraArgs) throws IOException {
        Path dir = Path.of("target", "process-logs");
        Files.createDirectories(dir);
        Path log = dir.resolve(id + "-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SchedulerMain.class.getName());
        cmd.add("--etcd-endpoints=" + etcd.endpointsString());
        cmd.add("--etcd-prefix=" + prefix);
        cmd.add("--id=" + id);
        cmd.add("--health-port=0");
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SchedulerProcess(id, p, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
