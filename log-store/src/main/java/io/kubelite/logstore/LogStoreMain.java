package io.kubelite.logstore;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.ElectorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubelite log-store}: the cluster's central log store. Node log agents push container
 * lines to {@code POST /ingest}; users and Grafana query them through Loki's HTTP API. Runs in
 * the component runtime (health port with /healthz, /readyz, /metrics; mirror pod in
 * kube-system through etcd), but keeps its data in its own Lucene index under {@code --data-dir}.
 */
@Command(
        name = "log-store",
        mixinStandardHelpOptions = true,
        description = "Stores container log lines from node log agents; answers LogQL queries over Loki's HTTP API.")
public final class LogStoreMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Where the index partitions live.")
    Path dataDir;

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address the API binds (default: ${DEFAULT-VALUE}).")
    String bindAddress = "127.0.0.1";

    @Option(
            names = "--port",
            defaultValue = "3100",
            paramLabel = "PORT",
            description = "API port, Loki's by default; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 3100;

    @Option(
            names = "--retention",
            defaultValue = "168h",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Partitions whose lines are all older are dropped; 0 keeps lines by age forever"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration retention = Duration.ofHours(168);

    @Option(
            names = "--retention-bytes",
            defaultValue = "0",
            converter = ByteSizeConverter.class,
            paramLabel = "SIZE",
            description = "The oldest partitions are dropped while the index is larger, e.g. 10Gi; 0: no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    long retentionBytes;

    @Option(
            names = "--partition-duration",
            defaultValue = "24h",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Time span of one index partition, the unit retention drops (default: ${DEFAULT-VALUE}).")
    Duration partition = Duration.ofHours(24);

    @Option(
            names = "--retention-interval",
            defaultValue = "1m",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often retention is enforced (default: ${DEFAULT-VALUE}).")
    Duration retentionInterval = Duration.ofMinutes(1);

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogStoreMain()).execute(args));
    }

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            System.err.println("kubelite log-store: --port must be 0..65535, got " + port);
            return 2;
        }
        if (partition.compareTo(Duration.ofMinutes(1)) < 0) {
            System.err.println("kubelite log-store: --partition-duration must be at least 1m");
            return 2;
        }
        if (retentionInterval.isZero()) {
            System.err.println("kubelite log-store: --retention-interval must be positive");
            return 2;
        }
        var config = new LogStoreConfig(dataDir, partition, retention, retentionBytes);
        var component = new LogStoreComponent(config, bindAddress, port, retentionInterval);
        return new ComponentMain("log-store", component, common, ElectorFactory.UNAVAILABLE).run();
    }
}
