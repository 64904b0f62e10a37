package io.kubelite.bench.density;

import io.kubelite.store.ObjectStore;
import io.kubelite.store.runtime.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubelite bench density}: the flags of {@link DensityBenchmark}. Bad flags exit 2 with one
 * line on stderr (picocli's message and usage for unknown or malformed ones); a failure of the run
 * (an unreachable cluster, nodes that never get Ready, pods that never run) exits 1 with one line
 * on stderr, no stack trace.
 */
@Command(
        name = "density",
        mixinStandardHelpOptions = true,
        description = "ClusterLoader2-style density benchmark: N simulated nodes, P pods per node created through"
                + " the API server as ReplicaSets at a steady rate; reports pod startup latency (p50/p90/p99 and its"
                + " phases), API call latency per verb and resource, each process's CPU and RSS, etcd's write rate and"
                + " DB size, beside the raw etcd put->watch latency and bind-shaped txn rate of the same run."
                + " See docs/bench.md.")
public final class DensityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "1000", description = "Simulated nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--pods-per-node", defaultValue = "30", description = "Pods per node (default: ${DEFAULT-VALUE}).")
    int podsPerNode;

    @Option(
            names = "--rate",
            defaultValue = "100",
            description = "Pods asked for per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--rates",
            split = ",",
            description = "Run once per rate (e.g. 50,100,200,400) on the same cluster, deleting the previous"
                    + " run's pods in between; overrides --rate.")
    List<Double> rates;

    @Option(
            names = "--warmup-pods",
            defaultValue = "3000",
            description = "Pods created (at the first rate), run and deleted before the measured run, not measured;"
                    + " 0 measures a cold cluster, the JVMs' first minute included (default: ${DEFAULT-VALUE}).")
    int warmupPods;

    @Option(
            names = "--group-size",
            defaultValue = "10",
            description = "Replicas per ReplicaSet (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(
            names = "--namespace",
            defaultValue = "density",
            description = "Namespace the pods go in, created if missing (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--server", description = "Attach to this API server (with --token) instead of starting one.")
    String server;

    @Option(names = "--token", description = "Bearer token for --server.")
    String token;

    @Option(names = "--kubeconfig", description = "Attach to the API server this kubeconfig's current context names.")
    Path kubeconfig;

    @Option(
            names = "--etcd-endpoints",
            description = "etcd to use: the attached cluster's (required with --server/--kubeconfig), or one to start"
                    + " the cluster on instead of a throw-away etcd.")
    String etcdEndpoints;

    @Option(
            names = "--etcd-prefix",
            defaultValue = "/registry",
            description = "The attached cluster's etcd prefix (default: ${DEFAULT-VALUE}).")
    String etcdPrefix;

    @Option(
            names = "--component-heap",
            defaultValue = "1g",
            description = "-Xmx of the API server, controller-manager and scheduler (default: ${DEFAULT-VALUE}).")
    String componentHeap;

    @Option(
            names = "--jvm-args",
            defaultValue = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            description = "JVM options of every started component after -Xmx, space-separated (default:"
                    + " ${DEFAULT-VALUE}, as kubelite up runs them: with C2 and the parallel collector, the"
                    + " five JVMs spent a third of their CPU compiling and the first minute's pods waited"
                    + " seconds; see docs/benchmarks.md).")
    String jvmArgs;

    @Option(
            names = "--jvm-args-for",
            description = "Extra JVM options for one started component, space-separated, e.g."
                    + " controller-manager='-XX:StartFlightRecording=filename=/tmp/cm.jfr' (repeatable;"
                    + " names: apiserver, controller-manager, scheduler, kubelet-sim).")
    Map<String, String> jvmArgsFor = new LinkedHashMap<>();

    @Option(names = "--sim-heap", defaultValue = "2g", description = "-Xmx of kubelet-sim (default: ${DEFAULT-VALUE}).")
    String simHeap;

    @Option(
            names = "--sim-housekeeping-interval",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "kubelet-sim's --housekeeping-interval, how often it samples every container's simulated"
                    + " usage (default: ${DEFAULT-VALUE}, the kubelet's cAdvisor interval; kubelet-sim's own default is"
                    + " 1s). Its nodes share the cluster's cores: at 150,000 pods a 1s sample takes a third of a core"
                    + " that a real cluster's kubelets would not take from its control plane.")
    Duration simHousekeepingInterval;

    @Option(
            names = "--sim-node-lease-batch-size",
            defaultValue = "64",
            paramLabel = "N",
            description = "kubelet-sim's --node-lease-batch-size: node Lease renewals due together are written in one"
                    + " etcd transaction of up to N (default: ${DEFAULT-VALUE}, kubelet-sim's own; 1 to 100). 1 gives"
                    + " every renewal its own transaction, as real kubelets do: 5,000 nodes are then 500 etcd"
                    + " transactions a second.")
    int simNodeLeaseBatchSize;

    @Option(
            names = "--component-log-level",
            defaultValue = "warn",
            description = "Log level of the started components (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(
            names = "--log-dir",
            description = "Keep the started components' logs here (default: a temporary directory, removed).")
    Path logDir;

    @Option(
            names = "--timeout-minutes",
            defaultValue = "10",
            description = "How long to wait for the nodes to be Ready, and for the pods to be Running after the"
                    + " last create (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(
            names = "--raw-seconds",
            defaultValue = "10",
            description = "Seconds of raw etcd puts at the run's rate (put -> watch) after each run (default:"
                    + " ${DEFAULT-VALUE}; at most 2,000 puts).")
    int rawSeconds;

    @Option(
            names = "--raw-txns",
            defaultValue = "5000",
            description = "Raw bind-shaped etcd txns measured after the last run (default: ${DEFAULT-VALUE}).")
    int rawTxns;

    @Option(names = "--csv", description = "Append one row per rate to this CSV (" + DensityReport.CSV_HEADER + ").")
    Path csv;

    @Option(
            names = "--pod-times",
            description = "Write each pod's times (ms after the run's first create: seen in etcd, scheduled, Running"
                    + " in etcd, Running seen by the API watch) to this CSV; with several rates, one file per rate"
                    + " (the rate inserted before the extension). Shows when in the run the slow pods were.")
    Path podTimes;

    /** The --pod-times file for one rate. */
    Path podTimesFile(double rate) {
        if (ratesToRun().size() == 1) {
            return podTimes;
        }
        String name = podTimes.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String perRate =
                dot < 0 ? name + "-" + (long) rate : name.substring(0, dot) + "-" + (long) rate + name.substring(dot);
        return podTimes.resolveSibling(perRate);
    }

    private final List<DensityReport> reports = new ArrayList<>();

    /** The reports of the last run, one per rate. */
    public List<DensityReport> reports() {
        return reports;
    }

    List<Double> ratesToRun() {
        return rates == null || rates.isEmpty() ? List.of(rate) : rates;
    }

    @Override
    public Integer call() {
        String name = spec.qualifiedName();
        try {
            validate();
            reports.clear();
            reports.addAll(new DensityBenchmark(this).run());
            if (csv != null) {
                DensityReport.appendCsv(csv, reports);
                System.out.println("appended " + reports.size() + " row(s) to " + csv);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(name + ": " + e.getMessage());
            spec.commandLine().getErr().println("Try '" + name + " --help' for more information.");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spec.commandLine().getErr().println(name + ": interrupted");
            return 1;
        } catch (Exception e) {
            // one line for a user: what failed, never a stack trace
            spec.commandLine().getErr().println(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            spec.commandLine().getErr().flush();
        }
    }

    private void validate() {
        check(nodes > 0, "--nodes must be positive");
        check(podsPerNode > 0, "--pods-per-node must be positive");
        check(groupSize > 0, "--group-size must be positive");
        check(warmupPods >= 0, "--warmup-pods must be 0 or more");
        check(simHousekeepingInterval.toMillis() >= 1, "--sim-housekeeping-interval must be at least 1ms");
        check(
                simNodeLeaseBatchSize >= 1 && simNodeLeaseBatchSize <= ObjectStore.MAX_BATCH,
                "--sim-node-lease-batch-size must be 1 to " + ObjectStore.MAX_BATCH);
        check(timeoutMinutes > 0, "--timeout-minutes must be positive");
        check(rawSeconds > 0 && rawTxns > 0, "--raw-seconds and --raw-txns must be positive");
        for (double r : ratesToRun()) {
            check(r > 0, "rates must be positive");
        }
        check(server == null || kubeconfig == null, "give --server (with --token) or --kubeconfig, not both");
        check(token == null || server != null, "--token goes with --server");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
