package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ComponentMain as a real OS process: {@link SampleComponentMain} in a fresh JVM. */
class ComponentMainProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    /** A child JVM with its stdout and stderr drained into line lists by daemon threads. */
    static final class Child implements AutoCloseable {
        final Process process;
        final List<String> out = new ArrayList<>();
        final List<String> err = new ArrayList<>();
        private final List<Thread> drains = new ArrayList<>();

        Child(String... args) throws IOException {
            ProcessBuilder pb = ChildJvm.builder(List.of(), SampleComponentMain.class, List.of(args));
            pb.environment().remove("ETCD_ENDPOINTS");
            process = pb.start();
            drains.add(drain(process.getInputStream(), out));
            drains.add(drain(process.getErrorStream(), err));
        }

        private static Thread drain(InputStream in, List<String> into) {
            Thread t = new Thread(
                    () -> {
                        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                            for (String line; (line = r.readLine()) != null; ) {
                                synchronized (into) {
                                    into.add(line);
                                }
                            }
                        } catch (IOException ignored) {
                            // the process ended
                        }
                    },
                    "child-drain");
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** After exit: waits (bounded) for both streams to reach end of file, so every line is seen. */
        void awaitStreamsDrained() throws InterruptedException {
            for (Thread t : drains) {
                t.join(5_000);
                assertThat(t.isAlive()).as("output of the child drained").isFalse();
            }
        }

        List<String> lines(List<String> which) {
            synchronized (which) {
                return List.copyOf(which);
            }
        }

        /** Polls stdout for a line matching {@code regex}; returns group 1. */
        String awaitOut(String regex, Duration within) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : lines(out)) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50); // poll interval
            }
            throw new AssertionError(
                    "no stdout line matching " + regex + "; stdout: " + lines(out) + " stderr: " + lines(err));
        }

        /** Waits for exit, then briefly for the drain threads to see end of stream. */
        int awaitExit(Duration within) throws InterruptedException {
            assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
                    .as("process exited within %s; stdout %s", within, lines(out))
                    .isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void exitsOneWithOneLineWhenEtcdNeverAnswers() throws Exception {
        int deadPort = FreePorts.next();
        long start = System.nanoTime();
        try (Child c = new Child(
                "--etcd-endpoints",
                "127.0.0.1:" + deadPort,
                "--etcd-startup-timeout",
                "2s",
                "--etcd-request-timeout",
                "1s")) {
            int code = c.awaitExit(Duration.ofSeconds(40));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(code).isEqualTo(1);
            c.awaitStreamsDrained();
            assertThat(c.lines(c.err))
                    .containsExactly("kubelite sample: etcd at 127.0.0.1:" + deadPort
                            + " did not answer within 2s; start etcd or set --etcd-endpoints / ETCD_ENDPOINTS");
            assertThat(String.join("\n", c.lines(c.out))).doesNotContain("\tat ");
            // it gave up after its 2 s, not after the 30 s default: a JVM start on a loaded machine
            // can take 10 s or more, so the bound only tells the two apart
            assertThat(took).isLessThan(Duration.ofSeconds(28));
        }
    }

    @Test
    void becomesReadyAndStopsCleanlyOnSigterm() throws Exception {
        String prefix = "/t-" + UUID.randomUUID();
        String id = "sample-" + UUID.randomUUID();
        try (Child c = new Child(
                        "--etcd-endpoints",
                        ETCD.cluster().endpointsString(),
                        "--etcd-prefix",
                        prefix,
                        "--id",
                        id,
                        "--etcd-startup-timeout",
                        "20s");
                Client client = ETCD.connect("/unused").client()) {
            int port = Integer.parseInt(
                    c.awaitOut("health server listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)));
            Http.await(port, "/readyz", Duration.ofSeconds(30), r -> r.statusCode() == 200);
            assertThat(Http.get(port, "/healthz").statusCode()).isEqualTo(200);
            String base = prefix + "/_kubelite/sample/" + id + "/";
            assertThat(exists(client, base + "started")).isTrue();
            // Ready does not wait for the election (a standby is Ready too); the component writes
            // "leading" after the gauge turned 1, so once the key is there the gauge must say so
            Poll.until(Duration.ofSeconds(30), "etcd key " + base + "leading written", () -> {
                try {
                    return exists(client, base + "leading");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Http.get(port, "/metrics").body())
                    .contains("leader_election_master_status{name=\"sample\"} 1.0");
            assertThat(exists(client, base + "closed")).isFalse();

            // SIGTERM. Not Process.destroy(): it also closes our ends of the child's pipes, so
            // the shutdown log lines would be lost; ProcessHandle.destroy() only signals.
            assertThat(c.process.toHandle().destroy()).isTrue();
            assertThat(c.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            assertThat(exists(client, base + "closed")).isTrue();
            assertThat(exists(client, prefix + "/pods/kube-system/kube-sample-" + id))
                    .as("mirror pod deleted on an orderly stop")
                    .isFalse();
            c.awaitStreamsDrained();
            assertThat(c.lines(c.err)).isEmpty();
            List<String> out = c.lines(c.out);
            assertThat(indexOf(out, "received SIGTERM")).as("stdout %s", out).isNotNegative();
            assertThat(indexOf(out, "component closed")).isGreaterThan(indexOf(out, "received SIGTERM"));
            assertThat(indexOf(out, "etcd connection closed")).isGreaterThan(indexOf(out, "component closed"));
            assertThat(indexOf(out, "sample stopped")).isGreaterThan(indexOf(out, "etcd connection closed"));
        }
    }

    @Test
    void aStopThatHangsEndsAfterTheShutdownTimeout() throws Exception {
        String prefix = "/t-" + UUID.randomUUID();
        try (Child c = new Child(
                "--etcd-endpoints",
                ETCD.cluster().endpointsString(),
                "--etcd-prefix",
                prefix,
                "--etcd-startup-timeout",
                "20s",
                "--shutdown-timeout",
                "2s",
                "--hang-on-close")) {
            int port = Integer.parseInt(
                    c.awaitOut("health server listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)));
            Http.await(port, "/readyz", Duration.ofSeconds(30), r -> r.statusCode() == 200);
            long t0 = System.nanoTime();
            assertThat(c.process.toHandle().destroy()).isTrue();
            assertThat(c.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(15));
            c.awaitStreamsDrained();
            assertThat(String.join("\n", c.lines(c.out)))
                    .contains("did not stop within --shutdown-timeout PT2S; exiting now");
        }
    }

    private static int indexOf(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean present(Client client, String key) {
        try {
            return exists(client, key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean exists(Client client, String key) throws Exception {
        return client.getKVClient()
                        .get(io.kubelite.store.Etcd.bytes(key))
                        .get(10, TimeUnit.SECONDS)
                        .getCount()
                > 0;
    }

    @Test
    void theMirrorPodServesLogsAndVanishesWithinTheLeaseTtlAfterKillNine() throws Exception {
        String prefix = "/t-" + UUID.randomUUID();
        String id = "mirror-" + UUID.randomUUID().toString().substring(0, 8);
        String key = prefix + "/pods/kube-system/kube-sample-" + id;
        try (Child c = new Child(
                        "--etcd-endpoints",
                        ETCD.cluster().endpointsString(),
                        "--etcd-prefix",
                        prefix,
                        "--id",
                        id,
                        "--mirror-pod-lease-duration",
                        "3s");
                Client client = ETCD.connect("/unused").client()) {
            int port = Integer.parseInt(
                    c.awaitOut("health server listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)));
            io.kubelite.store.testing.Poll.until(
                    Duration.ofSeconds(30), "mirror pod " + key + " published", () -> present(client, key));
            Http.await(
                    port,
                    "/logs?tailLines=200",
                    Duration.ofSeconds(10),
                    r -> r.body().contains("mirror pod kube-system/kube-sample-" + id + " published"));
            assertThat(Http.get(port, "/logs?tailLines=1").body().lines()).hasSize(1);

            c.process.toHandle().destroyForcibly(); // kill -9: no chance to clean up
            long t0 = System.nanoTime();
            io.kubelite.store.testing.Poll.until(
                    Duration.ofSeconds(10), "mirror pod gone after kill -9", () -> !present(client, key));
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("gone within the lease TTL (3s) and etcd's expiry check")
                    .isLessThan(Duration.ofSeconds(6));
        }
    }
}
