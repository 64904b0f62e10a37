package io.kubelite.controllers;

import io.kubelite.store.runtime.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The controller-manager's own flags, with kube-controller-manager's names and defaults
 * (a picocli mixin of {@link ControllerManagerMain}).
 */
public final class ControllerOptions {
    /** Every controller this process can run, by its {@code --controllers} name. */
    public static final Set<String> ALL_CONTROLLERS = Set.of(
            "nodeipam",
            "nodelifecycle",
            "taint-eviction-controller",
            "podgc",
            "replicaset",
            "deployment",
            "statefulset",
            "daemonset",
            "namespace",
            "serviceaccount",
            "serviceaccount-token",
            "root-ca-cert-publisher",
            "endpoint",
            "endpointslice",
            "garbagecollector",
            "disruption",
            "job",
            "cronjob",
            "ttl-after-finished",
            "clusterrole-aggregation",
            "persistentvolume-binder",
            "horizontalpodautoscaling",
            "resourcequota");

    @Option(
            names = "--controllers",
            split = ",",
            paramLabel = "NAMES",
            defaultValue = "*",
            description =
                    "Controllers to run: '*' for all, 'foo' to enable, '-foo' to disable (default: ${DEFAULT-VALUE}). "
                            + "Names: nodeipam, nodelifecycle, taint-eviction-controller, podgc, replicaset, deployment, statefulset, "
                            + "daemonset, namespace, "
                            + "serviceaccount, serviceaccount-token, endpoint, endpointslice, garbagecollector, disruption, job, cronjob, ttl-after-finished, "
                            + "clusterrole-aggregation, "
                            + "persistentvolume-binder, horizontalpodautoscaling, resourcequota.")
    public List<String> controllers = new ArrayList<>(List.of("*"));

    @Option(
            names = "--node-monitor-period",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How often node health is checked (default: ${DEFAULT-VALUE}).")
    public Duration nodeMonitorPeriod = Duration.ofSeconds(5);

    @Option(
            names = "--node-monitor-grace-period",
            defaultValue = "40s",
            converter = DurationConverter.class,
            description = "How long a node may stay silent (no Lease renewal, no status heartbeat) before it is marked "
                    + "unhealthy (default: ${DEFAULT-VALUE}).")
    public Duration nodeMonitorGracePeriod = Duration.ofSeconds(40);

    @Option(
            names = "--node-startup-grace-period",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "Grace for a newly registered node that has not posted a Ready condition yet (default: ${DEFAULT-VALUE}).")
    public Duration nodeStartupGracePeriod = Duration.ofSeconds(60);

    @Option(
            names = "--node-eviction-rate",
            defaultValue = "0.1",
            description =
                    "Nodes per second whose pods are evicted (NoExecute-tainted) in a healthy zone (default: ${DEFAULT-VALUE}).")
    public double nodeEvictionRate = 0.1;

    @Option(
            names = "--secondary-node-eviction-rate",
            defaultValue = "0.01",
            description = "Nodes per second in a partially disrupted zone; 0 in zones of at most "
                    + "--large-cluster-size-threshold nodes (default: ${DEFAULT-VALUE}).")
    public double secondaryNodeEvictionRate = 0.01;

    @Option(
            names = "--large-cluster-size-threshold",
            defaultValue = "50",
            description = "Zones larger than this get the secondary eviction rate when partially disrupted, "
                    + "smaller ones none (default: ${DEFAULT-VALUE}).")
    public int largeClusterSizeThreshold = 50;

    @Option(
            names = "--unhealthy-zone-threshold",
            defaultValue = "0.55",
            description = "Fraction of not-Ready nodes (at least 3) at which a zone counts as partially disrupted "
                    + "(default: ${DEFAULT-VALUE}).")
    public double unhealthyZoneThreshold = 0.55;

    @Option(
            names = "--allocate-node-cidrs",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "true",
            description = "Allocate a pod CIDR to every node from --cluster-cidr (default: ${DEFAULT-VALUE}).")
    public boolean allocateNodeCidrs = true;

    @Option(
            names = "--cluster-cidr",
            defaultValue = "10.244.0.0/16",
            description = "IPv4 range node pod CIDRs are cut from (default: ${DEFAULT-VALUE}).")
    public String clusterCidr = "10.244.0.0/16";

    @Option(
            names = "--node-cidr-mask-size",
            defaultValue = "24",
            description = "Prefix length of each node's pod CIDR (default: ${DEFAULT-VALUE}).")
    public int nodeCidrMaskSize = 24;

    @Option(
            names = "--concurrent-replicaset-syncs",
            defaultValue = "5",
            description = "ReplicaSets synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentReplicaSetSyncs = 5;

    @Option(
            names = "--concurrent-deployment-syncs",
            defaultValue = "5",
            description = "Deployments synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentDeploymentSyncs = 5;

    @Option(
            names = "--concurrent-statefulset-syncs",
            defaultValue = "5",
            description = "StatefulSets synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentStatefulSetSyncs = 5;

    @Option(
            names = "--concurrent-daemonset-syncs",
            defaultValue = "2",
            description = "DaemonSets synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentDaemonSetSyncs = 2;

    @Option(
            names = "--replicaset-burst",
            defaultValue = "500",
            description =
                    "Most pods one ReplicaSet sync creates or deletes; Kubernetes' BurstReplicas (default: ${DEFAULT-VALUE}).")
    public int replicaSetBurst = 500;

    @Option(
            names = "--concurrent-endpoint-syncs",
            defaultValue = "5",
            description = "Services whose Endpoints are synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentEndpointSyncs = 5;

    @Option(
            names = "--concurrent-service-endpoint-syncs",
            defaultValue = "5",
            description = "Services whose EndpointSlices are synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentServiceEndpointSyncs = 5;

    @Option(
            names = "--max-endpoints-per-slice",
            defaultValue = "100",
            description =
                    "Most endpoints the EndpointSlice controller puts in one slice, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    public int maxEndpointsPerSlice = 100;

    @Option(
            names = "--concurrent-namespace-syncs",
            defaultValue = "10",
            description = "Namespaces synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentNamespaceSyncs = 10;

    @Option(
            names = "--concurrent-gc-syncs",
            defaultValue = "20",
            description = "Garbage collector workers (default: ${DEFAULT-VALUE}).")
    public int concurrentGcSyncs = 20;

    @Option(
            names = "--terminated-pod-gc-threshold",
            defaultValue = "12500",
            description =
                    "Terminated (Succeeded/Failed) pods kept before the oldest are deleted; 0 disables (default: ${DEFAULT-VALUE}).")
    public int terminatedPodGcThreshold = 12500;

    @Option(
            names = "--pod-gc-period",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description =
                    "How often the pod garbage collector scans for orphaned and terminated pods (default: ${DEFAULT-VALUE}).")
    public Duration podGcPeriod = Duration.ofSeconds(20);

    @Option(
            names = "--job-pod-failure-backoff",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "The Job controller's delay before replacing a failed pod, doubling per consecutive failure"
                    + " up to 6m; kube's is a fixed 10s, shorter only for tests (default: ${DEFAULT-VALUE}).")
    public Duration jobPodFailureBackoff = Duration.ofSeconds(10);

    @Option(
            names = "--resource-quota-sync-period",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How often every ResourceQuota's usage is recounted from the objects present, besides the"
                    + " recounts deletions and finished pods trigger (default: ${DEFAULT-VALUE}).")
    public Duration resourceQuotaSyncPeriod = Duration.ofMinutes(5);

    @Option(
            names = "--concurrent-resource-quota-syncs",
            defaultValue = "5",
            description = "ResourceQuotas recounted at once (default: ${DEFAULT-VALUE}).")
    public int concurrentResourceQuotaSyncs = 5;

    @Option(
            names = "--horizontal-pod-autoscaler-sync-period",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "How often every HorizontalPodAutoscaler is reconciled (default: ${DEFAULT-VALUE}).")
    public Duration hpaSyncPeriod = Duration.ofSeconds(15);

    @Option(
            names = "--horizontal-pod-autoscaler-tolerance",
            defaultValue = "0.1",
            description =
                    "How far the usage ratio may be from 1.0 before the HPA scales, 0 to 1 (default: ${DEFAULT-VALUE}).")
    public double hpaTolerance = 0.1;

    @Option(
            names = "--horizontal-pod-autoscaler-downscale-stabilization",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "The highest recommendation of this window is applied on a scale-down, for HPAs without"
                    + " behavior.scaleDown.stabilizationWindowSeconds (default: ${DEFAULT-VALUE}).")
    public Duration hpaDownscaleStabilization = Duration.ofMinutes(5);

    @Option(
            names = "--horizontal-pod-autoscaler-cpu-initialization-period",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "After a pod starts, how long its CPU samples are skipped unless it is Ready and a whole"
                    + " metric window has passed since (default: ${DEFAULT-VALUE}).")
    public Duration hpaCpuInitializationPeriod = Duration.ofMinutes(5);

    @Option(
            names = "--horizontal-pod-autoscaler-initial-readiness-delay",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "After a pod starts, how long a not-Ready pod counts as not yet ready rather than"
                    + " failed for CPU (default: ${DEFAULT-VALUE}).")
    public Duration hpaInitialReadinessDelay = Duration.ofSeconds(30);

    @Option(
            names = "--concurrent-horizontal-pod-autoscaler-syncs",
            defaultValue = "5",
            description = "HorizontalPodAutoscalers synced concurrently (default: ${DEFAULT-VALUE}).")
    public int concurrentHorizontalPodAutoscalerSyncs = 5;

    @Option(
            names = "--service-account-private-key-file",
            description = "PEM private key (the API servers' --service-account-signing-key-file) the tokens controller"
                    + " signs legacy tokens of kubernetes.io/service-account-token Secrets with; without it they stay"
                    + " empty.")
    public java.nio.file.Path serviceAccountPrivateKeyFile;

    @Option(
            names = "--root-ca-file",
            description = "PEM CA bundle put into token Secrets as ca.crt and published in every namespace as the"
                    + " kube-root-ca.crt ConfigMap (root-ca-cert-publisher; off without this flag).")
    public java.nio.file.Path rootCaFile;

    /**
     * Where the HPA controller reads pod metrics (not a flag): null means the {@code v1beta1.metrics.k8s.io}
     * APIService's backend ({@link io.kubelite.controllers.podautoscaler.ApiServicePodMetrics}); tests put an
     * in-memory source here.
     */
    public io.kubelite.controllers.podautoscaler.PodMetricsSource podMetricsSource;

    /**
     * The clock the Job, CronJob, TTL-after-finished and HPA controllers read time from and schedule
     * on (not a flag): tests put a {@link io.kubelite.controllers.util.ManualClock} here.
     */
    public java.time.Clock clock = java.time.Clock.systemUTC();

    /** True when {@code name} is enabled by {@code --controllers}. */
    public boolean enabled(String name) {
        boolean star = false;
        for (String c : controllers) {
            String s = c.trim();
            if (s.equals("-" + name)) {
                return false;
            }
            if (s.equals(name)) {
                return true;
            }
            star |= s.equals("*");
        }
        return star;
    }

    /** Checks values the converters cannot; messages name the flag. */
    public void validate() {
        for (String c : controllers) {
            String s = c.trim();
            String n = s.startsWith("-") ? s.substring(1) : s;
            if (!s.equals("*") && !ALL_CONTROLLERS.contains(n)) {
                throw new IllegalArgumentException("--controllers: unknown controller \"" + n + "\"; known: "
                        + String.join(", ", ALL_CONTROLLERS.stream().sorted().toList()));
            }
        }
        positive("--node-monitor-period", nodeMonitorPeriod);
        positive("--node-monitor-grace-period", nodeMonitorGracePeriod);
        positive("--node-startup-grace-period", nodeStartupGracePeriod);
        positive("--pod-gc-period", podGcPeriod);
        positive("--job-pod-failure-backoff", jobPodFailureBackoff);
        positive("--horizontal-pod-autoscaler-sync-period", hpaSyncPeriod);
        positive("--resource-quota-sync-period", resourceQuotaSyncPeriod);
        if (hpaTolerance < 0 || hpaTolerance > 1) {
            throw new IllegalArgumentException(
                    "--horizontal-pod-autoscaler-tolerance must be between 0 and 1, got " + hpaTolerance);
        }
        if (hpaDownscaleStabilization.isNegative()
                || hpaCpuInitializationPeriod.isNegative()
                || hpaInitialReadinessDelay.isNegative()) {
            throw new IllegalArgumentException("--horizontal-pod-autoscaler-* durations must not be negative");
        }
        if (nodeEvictionRate < 0 || secondaryNodeEvictionRate < 0) {
            throw new IllegalArgumentException("--node-eviction-rate and --secondary-node-eviction-rate must be >= 0");
        }
        if (unhealthyZoneThreshold <= 0 || unhealthyZoneThreshold > 1) {
            throw new IllegalArgumentException(
                    "--unhealthy-zone-threshold must be in (0, 1], got " + unhealthyZoneThreshold);
        }
        if (concurrentReplicaSetSyncs < 1
                || concurrentDeploymentSyncs < 1
                || concurrentStatefulSetSyncs < 1
                || concurrentDaemonSetSyncs < 1
                || concurrentResourceQuotaSyncs < 1
                || concurrentEndpointSyncs < 1
                || concurrentServiceEndpointSyncs < 1
                || concurrentNamespaceSyncs < 1
                || concurrentGcSyncs < 1
                || concurrentHorizontalPodAutoscalerSyncs < 1
                || replicaSetBurst < 1) {
            throw new IllegalArgumentException("--concurrent-*-syncs and --replicaset-burst must be >= 1");
        }
        if (maxEndpointsPerSlice < 1 || maxEndpointsPerSlice > 1000) {
            throw new IllegalArgumentException(
                    "--max-endpoints-per-slice must be between 1 and 1000, got " + maxEndpointsPerSlice);
        }
        if (allocateNodeCidrs) {
            io.kubelite.controllers.nodelifecycle.CidrSet.parse(clusterCidr, nodeCidrMaskSize);
        }
    }

    private static void positive(String flag, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(flag + ": must be a positive duration such as 5s");
        }
    }
}
