package io.kubelite.scheduler;

import io.kubelite.store.testing.ChildJvm;
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
        List<String> args = new ArrayList<>(List.of(
                "--etcd-endpoints=" + etcd.endpointsString(),
                "--etcd-prefix=" + prefix,
                "--id=" + id,
                "--health-port=0"));
        args.addAll(List.of(extraArgs));
        Process p = ChildJvm.builder(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), SchedulerMain.class, args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
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
