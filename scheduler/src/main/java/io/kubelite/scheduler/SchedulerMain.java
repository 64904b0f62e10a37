package io.kubelite.scheduler;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.ElectorFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubelite scheduler}: assigns pending pods to nodes. Leader-elected by default,
 * like kube-scheduler ({@code --leader-elect=false} to run several active schedulers;
 * binds stay exactly-once through the pods' mod_revision compare).
 */
@Command(
        name = "scheduler",
        mixinStandardHelpOptions = true,
        description = "Assigns pending pods to nodes (kube-scheduler's filter/score semantics).")
public final class SchedulerMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions().leaderElectByDefault(true);

    @Option(
            names = "--scheduler-name",
            defaultValue = SchedulerConfig.DEFAULT_SCHEDULER_NAME,
            paramLabel = "NAME",
            description = "Schedule pods whose spec.schedulerName is NAME (default: ${DEFAULT-VALUE}).")
    String schedulerName = SchedulerConfig.DEFAULT_SCHEDULER_NAME;

    @Option(
            names = "--pod-initial-backoff",
            defaultValue = "1s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "Back-off after a pod's first failed attempt; doubles per attempt (default: ${DEFAULT-VALUE}).")
    Duration podInitialBackoff = Duration.ofSeconds(1);

    @Option(
            names = "--pod-max-backoff",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Longest back-off of an unschedulable pod (default: ${DEFAULT-VALUE}).")
    Duration podMaxBackoff = Duration.ofSeconds(10);

    @Option(
            names = "--max-inflight-binds",
            defaultValue = "512",
            paramLabel = "N",
            description = "Bind transactions outstanding at once (default: ${DEFAULT-VALUE}).")
    int maxInFlightBinds = 512;

    @Option(
            names = "--percentage-of-nodes-to-score",
            defaultValue = "0",
            paramLabel = "PERCENT",
            description = "Stop filtering once this percentage of the nodes (at least 100) is found feasible, "
                    + "as kube-scheduler's percentageOfNodesToScore; 0 = adaptive (50% minus 1% per 125 nodes, "
                    + "at least 5%), 100 = score every feasible node (default: ${DEFAULT-VALUE}).")
    int percentageOfNodesToScore = 0;

    @Option(
            names = "--parallelism",
            defaultValue = "0",
            paramLabel = "N",
            description = "Threads that filter and score one pod's nodes, as kube-scheduler's parallelism; "
                    + "0 = one per core from three cores up, else 1 (default: ${DEFAULT-VALUE}).")
    int parallelism = 0;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SchedulerMain()).execute(args));
    }

    @Override
    public Integer call() {
        if (schedulerName.isBlank()) {
            System.err.println("kubelite scheduler: --scheduler-name must not be empty");
            return 2;
        }
        if (podInitialBackoff.isNegative() || podMaxBackoff.compareTo(podInitialBackoff) < 0) {
            System.err.println("kubelite scheduler: --pod-max-backoff must be at least --pod-initial-backoff");
            return 2;
        }
        if (maxInFlightBinds < 1) {
            System.err.println("kubelite scheduler: --max-inflight-binds must be at least 1");
            return 2;
        }
        if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
            System.err.println("kubelite scheduler: --percentage-of-nodes-to-score must be within 0..100");
            return 2;
        }
        if (parallelism < 0) {
            System.err.println("kubelite scheduler: --parallelism must be 0 (default) or more");
            return 2;
        }
        SchedulerComponent component = new SchedulerComponent(id -> new SchedulerConfig(
                schedulerName,
                id,
                podInitialBackoff,
                podMaxBackoff,
                maxInFlightBinds,
                percentageOfNodesToScore,
                parallelism));
        return new ComponentMain("scheduler", component, common, ElectorFactory.ETCD).run();
    }
}
