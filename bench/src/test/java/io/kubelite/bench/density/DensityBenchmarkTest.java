package io.kubelite.bench.density;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A small density run end to end — a throw-away etcd and every component as its own process, as
 * {@code kubelite bench density} runs them — whose report must hold every SLI with plausible
 * figures; and the one-line errors a user gets for bad flags or a cluster that is not there.
 */
class DensityBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void aSmallRunReportsEverySliBesideRawEtcd() throws Exception {
        DensityCommand command = new DensityCommand();
        Path csv = dir.resolve("pod-startup.csv");
        Path podTimes = dir.resolve("pods.csv");
        int code = new CommandLine(command)
                .execute(
                        "--nodes",
                        "20",
                        "--pods-per-node",
                        "5",
                        "--rate",
                        "50",
                        "--component-heap",
                        "512m",
                        "--sim-heap",
                        "512m",
                        "--timeout-minutes",
                        "2",
                        "--raw-seconds",
                        "2",
                        "--raw-txns",
                        "500",
                        "--csv",
                        csv.toString(),
                        "--jvm-args",
                        "-XX:+UseSerialGC",
                        "--pod-times",
                        podTimes.toString(),
                        "--warmup-pods",
                        "20");

        assertThat(code).as("exit code").isZero();
        assertThat(command.reports()).hasSize(1);
        DensityReport r = command.reports().get(0);
        assertThat(r.running()).as("pods Running").isEqualTo(100);
        assertThat(r.startup().count()).as("pods with a startup latency").isEqualTo(100);
        assertThat(r.startup().millis(0.50)).as("startup p50").isPositive();
        assertThat(r.startup().millis(0.99))
                .as("startup p99")
                .isGreaterThanOrEqualTo(r.startup().millis(0.90));
        assertThat(r.startup().millis(0.90))
                .as("startup p90")
                .isGreaterThanOrEqualTo(r.startup().millis(0.50));
        for (Latencies phase : List.of(r.createToSchedule(), r.scheduleToRun(), r.runToWatch())) {
            assertThat(phase.count()).as("pods in each phase").isEqualTo(100);
            // no phase can take longer than the whole
            assertThat(phase.millis(0.50)).isLessThanOrEqualTo(r.startup().millis(1.0));
        }
        assertThat(r.apiCalls()).as("API call rows").anySatisfy(row -> {
            assertThat(row.verb()).isEqualTo("POST");
            assertThat(row.resource()).isEqualTo("replicasets");
            assertThat(row.count()).isEqualTo(10);
            assertThat(row.p99Ms()).isGreaterThanOrEqualTo(row.p50Ms()).isPositive();
        });
        assertThat(r.mutatingP99Ms()).isPositive();
        assertThat(r.clientPost().count()).isEqualTo(10);
        assertThat(r.processes().keySet())
                .containsExactly(
                        "etcd",
                        "apiserver",
                        "controller-manager",
                        "scheduler",
                        "kubelet-sim",
                        "benchmark (this process)");
        assertThat(r.processes().values()).allSatisfy(u -> {
            assertThat(u.cpuSeconds()).as(u.name() + " CPU").isPositive();
            assertThat(u.peakRssBytes()).as(u.name() + " RSS").isGreaterThan(10L << 20);
        });
        assertThat(r.etcdWrites())
                .as("etcd writes: at least a create, bind and status per pod")
                .isGreaterThan(300);
        assertThat(r.dbSizeAfter()).isPositive();
        assertThat(r.rawPutWatch().count()).as("raw put->watch samples").isPositive();
        assertThat(r.rawPutWatch().p99()).isPositive();
        assertThat(r.rawBindTxnPerSecond()).as("raw bind-shaped txn/s").isPositive();
        assertThat(r.format())
                .contains("create -> schedule", "POST replicasets", "raw put -> watch")
                .contains("20 pods created, Running, deleted");
        assertThat(Files.readAllLines(csv))
                .hasSize(2)
                .first()
                .isEqualTo("rate,nodes,pods,p50_ms,p90_ms,p99_ms,raw_put_watch_p99_ms");
        assertThat(Files.readAllLines(csv).get(1)).startsWith("50,20,100,");
        List<String> perPod = Files.readAllLines(podTimes);
        assertThat(perPod.get(0)).isEqualTo("pod,created_ms,scheduled_ms,running_ms,watched_ms");
        assertThat(perPod.subList(1, perPod.size()))
                .as("one row per pod, every time seen, in order: created <= scheduled <= running")
                .hasSize(100)
                .allSatisfy(row -> {
                    String[] f = row.split(",");
                    assertThat(f).hasSize(5);
                    double created = Double.parseDouble(f[1]);
                    double scheduled = Double.parseDouble(f[2]);
                    double running = Double.parseDouble(f[3]);
                    assertThat(Double.parseDouble(f[4])).isPositive();
                    assertThat(created).isLessThanOrEqualTo(scheduled);
                    assertThat(scheduled).isLessThanOrEqualTo(running);
                });
    }

    @Test
    void badFlagsAndAnUnreachableClusterAreOneLineErrors() {
        StringWriter err = new StringWriter();
        CommandLine bad = new CommandLine(new DensityCommand());
        bad.setErr(new PrintWriter(err));
        assertThat(bad.execute("--nodes", "0")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("density: --nodes must be positive")
                .doesNotContain("\tat ");

        err.getBuffer().setLength(0);
        CommandLine badBatch = new CommandLine(new DensityCommand());
        badBatch.setErr(new PrintWriter(err));
        assertThat(badBatch.execute("--sim-node-lease-batch-size", "101")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("density: --sim-node-lease-batch-size must be 1 to 100")
                .doesNotContain("\tat ");

        err.getBuffer().setLength(0);
        CommandLine unreachable = new CommandLine(new DensityCommand());
        unreachable.setErr(new PrintWriter(err));
        assertThat(unreachable.execute(
                        "--server", "https://127.0.0.1:1", "--token", "t", "--etcd-endpoints", "http://127.0.0.1:1"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("127.0.0.1:1").doesNotContain("\tat ");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void attachesToARunningClusterAndLeavesNoPodsBehind() throws Exception {
        DensityCluster.Spec spec = new DensityCluster.Spec(
                null,
                null,
                null,
                null,
                null,
                5,
                "512m",
                "512m",
                Duration.ofSeconds(10),
                64,
                "-XX:+UseSerialGC",
                Map.of(),
                "warn",
                dir.resolve("logs"));
        try (DensityCluster running = DensityCluster.open(spec)) {
            DensityCommand command = new DensityCommand();
            int code = new CommandLine(command)
                    .execute(
                            "--server", running.api().server(),
                            "--token", running.token(),
                            "--etcd-endpoints", running.etcdEndpoints(),
                            "--etcd-prefix", running.etcd().prefix(),
                            "--nodes", "5",
                            "--pods-per-node", "2",
                            "--rate", "20",
                            "--group-size", "5",
                            "--timeout-minutes", "2",
                            "--raw-seconds", "2",
                            "--raw-txns", "200",
                            "--warmup-pods", "0");

            assertThat(code).as("exit code").isZero();
            DensityReport r = command.reports().get(0);
            assertThat(r.running()).isEqualTo(10);
            assertThat(r.startup().count()).isEqualTo(10);
            assertThat(r.processes())
                    .as("an attached cluster's processes are not ours")
                    .isEmpty();
            assertThat(r.apiCalls())
                    .anySatisfy(
                            row -> assertThat(row.verb() + " " + row.resource()).isEqualTo("POST replicasets"));
            var pods = running.api().get("/api/v1/namespaces/density/pods");
            assertThat(pods.ok()).isTrue();
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(pods.body())
                            .path("items"))
                    .as("pods left in the attached cluster")
                    .isEmpty();
        }
    }
}
