package io.kubelite.kubelet;

import io.kubelite.kubelet.network.DnsSettings;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.runtime.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** kubelet-sim's own flags (the common ones come from CommonOptions). */
public final class KubeletSimOptions {
    @Option(
            names = "--nodes",
            paramLabel = "N",
            description = "How many identical nodes to simulate (default: 1, or 0 with --node-config).")
    Integer nodes;

    @Option(
            names = "--node-name-prefix",
            defaultValue = "sim-node-",
            paramLabel = "PREFIX",
            description = "Generated node names are PREFIX0, PREFIX1, ... (default: ${DEFAULT-VALUE}).")
    String nodeNamePrefix = "sim-node-";

    @Option(
            names = "--zones",
            split = ",",
            defaultValue = "zone-a",
            paramLabel = "ZONE",
            description = "Zones for topology.kubernetes.io/zone, assigned round-robin (default: ${DEFAULT-VALUE}).")
    List<String> zones = new ArrayList<>(List.of("zone-a"));

    @Option(
            names = "--cpu",
            defaultValue = "8",
            paramLabel = "QUANTITY",
            description = "CPU capacity per node (default: ${DEFAULT-VALUE}).")
    String cpu = "8";

    @Option(
            names = "--memory",
            defaultValue = "32Gi",
            paramLabel = "QUANTITY",
            description = "Memory capacity per node (default: ${DEFAULT-VALUE}).")
    String memory = "32Gi";

    @Option(
            names = "--usage-seed",
            defaultValue = "0",
            paramLabel = "N",
            description = "Seed of the simulated idle CPU and memory usage: the same seed repeats a run's usage"
                    + " (default: ${DEFAULT-VALUE}).")
    long usageSeed = 0;

    @Option(
            names = "--housekeeping-interval",
            defaultValue = "1s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often every container's CPU and memory usage is sampled (default: ${DEFAULT-VALUE};"
                    + " the kubelet's cAdvisor samples every 10s). Each sample costs about 2 µs per running"
                    + " container: a simulation of 100,000s of pods may sample as seldom as the kubelet.")
    Duration housekeepingInterval = Duration.ofSeconds(1);

    @Option(
            names = "--eviction-hard-memory-available",
            defaultValue = "100Mi",
            paramLabel = "QUANTITY",
            description = "The hard eviction threshold memory.available (default: ${DEFAULT-VALUE}).")
    String evictionHardMemoryAvailable = "100Mi";

    @Option(
            names = "--max-pods",
            defaultValue = "110",
            paramLabel = "N",
            description = "Pod capacity per node (default: ${DEFAULT-VALUE}).")
    int maxPods = 110;

    @Option(
            names = "--ephemeral-storage",
            defaultValue = "100Gi",
            paramLabel = "QUANTITY",
            description = "Ephemeral-storage capacity per node (default: ${DEFAULT-VALUE}).")
    String ephemeralStorage = "100Gi";

    @Option(
            names = "--node-config",
            paramLabel = "FILE",
            description = "YAML or JSON Node manifests for heterogeneous nodes (names, labels, taints, capacity).")
    Path nodeConfig;

    @Option(
            names = "--node-lease-duration",
            defaultValue = "40s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "leaseDurationSeconds of each node's Lease (default: ${DEFAULT-VALUE}).")
    Duration nodeLeaseDuration = Duration.ofSeconds(40);

    @Option(
            names = "--node-lease-renew-interval",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often each node's Lease is renewed, plus up to 4% jitter (default: ${DEFAULT-VALUE}).")
    Duration nodeLeaseRenewInterval = Duration.ofSeconds(10);

    @Option(
            names = "--node-lease-batch-size",
            defaultValue = "64",
            paramLabel = "N",
            description = "Node Lease renewals due within the same few ms are written in one etcd transaction of up"
                    + " to N updates, each compared on its own Lease (default: ${DEFAULT-VALUE}; 1 to 100). 1 writes"
                    + " each renewal on its own, as every kubelet does; 5,000 nodes then cost etcd 500 transactions"
                    + " a second.")
    int nodeLeaseBatchSize = 64;

    @Option(
            names = "--node-status-update-frequency",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "How often each node's status is checked and written if it changed (default: ${DEFAULT-VALUE}).")
    Duration nodeStatusUpdateFrequency = Duration.ofSeconds(10);

    @Option(
            names = "--node-status-report-frequency",
            defaultValue = "5m",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Longest time between node status writes when nothing changed (default: ${DEFAULT-VALUE}).")
    Duration nodeStatusReportFrequency = Duration.ofMinutes(5);

    @Option(
            names = "--config-sync-period",
            defaultValue = "1m",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often ConfigMap, Secret, downwardAPI and projected volumes are brought up to date"
                    + " in running pods, as the kubelet's sync period (default: ${DEFAULT-VALUE}).")
    Duration configSyncPeriod = Duration.ofMinutes(1);

    @Option(
            names = "--time-scale",
            defaultValue = "1",
            paramLabel = "FACTOR",
            description =
                    "Divide every kubelet duration (probes, back-off, grace, heartbeats, sleeps) by FACTOR (default: ${DEFAULT-VALUE}).")
    double timeScale = 1;

    @Option(
            names = "--pod-cidr-fallback",
            paramLabel = "CIDR",
            description =
                    "Without a controller-manager assigning node podCIDRs, give node #i the i-th /24 of CIDR "
                            + "for pod IPs (not written to the Node). Unset: pods wait in ContainerCreating until the node has a podCIDR.")
    String podCidrFallback;

    @Option(
            names = "--node-address",
            defaultValue = "127.0.0.1",
            paramLabel = "IP",
            description =
                    "Every node's InternalIP and pods' hostIP (default: ${DEFAULT-VALUE}, so API server proxying stays on loopback).")
    String nodeAddress = "127.0.0.1";

    @Option(
            names = "--kubelet-port",
            defaultValue = "0",
            paramLabel = "PORT",
            description =
                    "Port of the container-log endpoint, advertised in each node's daemonEndpoints; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kubeletPort;

    @Option(
            names = "--kubelet-bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address the container-log endpoint binds to (default: ${DEFAULT-VALUE}).")
    String kubeletBindAddress = "127.0.0.1";

    @Option(
            names = "--status-workers",
            defaultValue = "8",
            paramLabel = "N",
            description = "Threads writing pod status (default: ${DEFAULT-VALUE}).")
    int statusWorkers = 8;

    @Option(
            names = "--event-qps",
            defaultValue = "50",
            paramLabel = "QPS",
            description = "Pod Events recorded per second on average, for the whole process; 0 records none "
                    + "(the kubelet's own default is 50 per node) (default: ${DEFAULT-VALUE}).")
    double eventQps = 50;

    @Option(
            names = "--event-burst",
            defaultValue = "100",
            paramLabel = "N",
            description = "Events allowed in a burst above --event-qps (default: ${DEFAULT-VALUE}).")
    int eventBurst = 100;

    @Option(
            names = "--sim-threads",
            defaultValue = "2",
            paramLabel = "N",
            description =
                    "Scheduler threads running every simulated program, probe and heartbeat (default: ${DEFAULT-VALUE}).")
    int simThreads = 2;

    @Option(
            names = "--cluster-dns",
            defaultValue = DnsSettings.DEFAULT_CLUSTER_DNS,
            paramLabel = "IP[,IP...]",
            description = "The cluster DNS Service's IPs, the nameservers of ClusterFirst pods; empty: none, and"
                    + " such pods fall back to the Default policy (default: ${DEFAULT-VALUE}).")
    String clusterDns = DnsSettings.DEFAULT_CLUSTER_DNS;

    @Option(
            names = "--cluster-domain",
            defaultValue = DnsSettings.DEFAULT_CLUSTER_DOMAIN,
            paramLabel = "DOMAIN",
            description =
                    "The cluster's DNS domain, for pods' search domains and /etc/hosts (default: ${DEFAULT-VALUE}).")
    String clusterDomain = DnsSettings.DEFAULT_CLUSTER_DOMAIN;

    @Option(
            names = "--resolv-conf",
            defaultValue = "",
            paramLabel = "FILE",
            description = "The nodes' own resolv.conf, what Default-policy (and hostNetwork ClusterFirst) pods get;"
                    + " empty: the nodes have no resolver, and such pods get nameserver 127.0.0.1 (default: none).")
    String resolvConf = "";

    @Option(
            names = "--kube-proxy-address",
            defaultValue = "127.0.0.1:10249",
            paramLabel = "HOST:PORT",
            description = "kube-proxy's rules endpoint, the nodes' iptables rules that pod connections follow"
                    + " (default: ${DEFAULT-VALUE}).")
    String kubeProxyAddress = "127.0.0.1:10249";

    @Option(
            names = "--log-store-address",
            paramLabel = "HOST:PORT",
            description = "The log store (kubelite log-store) the nodes' log agents ship container lines to;"
                    + " without it lines stay in kubelet-sim's memory only (default: none).")
    String logStoreAddress;

    @Option(
            names = "--log-spool-dir",
            paramLabel = "DIR",
            description = "Where the log agents spool captured lines until the log store has them, one"
                    + " subdirectory per node; a restarted process ships what is left there"
                    + " (default: <java.io.tmpdir>/kubelite-log-spool).")
    Path logSpoolDir;

    @Option(
            names = "--log-spool-bytes",
            defaultValue = "64Mi",
            paramLabel = "QUANTITY",
            description = "Bound of each node's log spool; when it is full the oldest unshipped lines are dropped"
                    + " (default: ${DEFAULT-VALUE}).")
    String logSpoolBytes = "64Mi";

    @Option(
            names = "--log-flush-interval",
            defaultValue = "1s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often each node's log agent sends its spooled lines (default: ${DEFAULT-VALUE}).")
    Duration logFlushInterval = Duration.ofSeconds(1);

    /** The log spool directory, defaulted. */
    public Path logSpoolDir() {
        return logSpoolDir != null ? logSpoolDir : Path.of(System.getProperty("java.io.tmpdir"), "kubelite-log-spool");
    }

    /** The log spool bound in bytes; throws {@link IllegalArgumentException} naming the flag. */
    public long logSpoolBytes() {
        long n;
        try {
            n = io.kubelite.api.Quantity.bytes(logSpoolBytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--log-spool-bytes: \"" + logSpoolBytes + "\" is not a quantity");
        }
        if (n < 1024) {
            throw new IllegalArgumentException("--log-spool-bytes: must be at least 1Ki, not " + logSpoolBytes);
        }
        return n;
    }

    /** The DNS flags as settings; throws {@link IllegalArgumentException} naming a bad flag. */
    public DnsSettings dnsSettings() {
        return DnsSettings.of(clusterDns, clusterDomain, resolvConf);
    }

    public int nodes() {
        return nodes != null ? nodes : (nodeConfig != null ? 0 : 1);
    }

    public void validate() {
        if (nodes() < 0) {
            throw new IllegalArgumentException("--nodes: must be 0 or more");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("--time-scale: must be a positive number");
        }
        if (maxPods < 0) {
            throw new IllegalArgumentException("--max-pods: must be 0 or more");
        }
        if (statusWorkers < 1 || simThreads < 1) {
            throw new IllegalArgumentException("--status-workers and --sim-threads must be at least 1");
        }
        if (!(eventQps >= 0) || Double.isInfinite(eventQps) || eventBurst < 1) {
            throw new IllegalArgumentException("--event-qps must be 0 or more and --event-burst at least 1");
        }
        dnsSettings();
        int colon = kubeProxyAddress == null ? -1 : kubeProxyAddress.lastIndexOf(':');
        if (colon <= 0 || !kubeProxyAddress.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--kube-proxy-address: \"" + kubeProxyAddress + "\" is not HOST:PORT");
        }
        if (logStoreAddress != null) {
            int c = logStoreAddress.lastIndexOf(':');
            if (c <= 0 || !logStoreAddress.substring(c + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--log-store-address: \"" + logStoreAddress + "\" is not HOST:PORT");
            }
            logSpoolBytes();
            if (logFlushInterval.isZero() || logFlushInterval.isNegative()) {
                throw new IllegalArgumentException("--log-flush-interval: must be positive");
            }
        }
        if (nodeLeaseBatchSize < 1 || nodeLeaseBatchSize > ObjectStore.MAX_BATCH) {
            throw new IllegalArgumentException("--node-lease-batch-size: must be 1 to " + ObjectStore.MAX_BATCH);
        }
        if (kubeletPort < 0 || kubeletPort > 65535) {
            throw new IllegalArgumentException("--kubelet-port: " + kubeletPort + " is not a port");
        }
        for (Duration d : List.of(
                nodeLeaseDuration,
                nodeLeaseRenewInterval,
                nodeStatusUpdateFrequency,
                nodeStatusReportFrequency,
                configSyncPeriod)) {
            if (d.isZero()) {
                throw new IllegalArgumentException(
                        "node lease, node status and config sync durations must be positive");
            }
        }
        if (housekeepingInterval.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "--housekeeping-interval: must be at least 1ms, not " + housekeepingInterval);
        }
    }

    /** Builder-style setters for tests and embedding. */
    public KubeletSimOptions nodes(int n) {
        this.nodes = n;
        return this;
    }

    public KubeletSimOptions nodeNamePrefix(String p) {
        this.nodeNamePrefix = p;
        return this;
    }

    public KubeletSimOptions eventQps(double qps) {
        this.eventQps = qps;
        return this;
    }

    public KubeletSimOptions timeScale(double f) {
        this.timeScale = f;
        return this;
    }

    public KubeletSimOptions podCidrFallback(String cidr) {
        this.podCidrFallback = cidr;
        return this;
    }

    public KubeletSimOptions cpu(String q) {
        this.cpu = q;
        return this;
    }

    public KubeletSimOptions memory(String q) {
        this.memory = q;
        return this;
    }

    public KubeletSimOptions housekeepingInterval(Duration d) {
        this.housekeepingInterval = d;
        return this;
    }

    public KubeletSimOptions usageSeed(long seed) {
        this.usageSeed = seed;
        return this;
    }

    public KubeletSimOptions maxPods(int n) {
        this.maxPods = n;
        return this;
    }

    public KubeletSimOptions zones(List<String> z) {
        this.zones = new ArrayList<>(z);
        return this;
    }

    public KubeletSimOptions nodeConfig(Path p) {
        this.nodeConfig = p;
        return this;
    }

    @Option(
            names = "--service-account-signing-key-file",
            description = "The API servers' PEM signing key: pods' projected service-account tokens are signed with it"
                    + " and authenticate against the API servers until the pod is deleted (without it they are"
                    + " unsigned).")
    java.nio.file.Path serviceAccountSigningKeyFile;

    @Option(
            names = "--service-account-issuer",
            defaultValue = "https://kubernetes.default.svc.cluster.local",
            description =
                    "iss of pods' tokens: the API servers' first --service-account-issuer (default: ${DEFAULT-VALUE}).")
    String serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

    /** Signs pods' tokens with the PEM key in {@code keyFile}, for {@code issuer}. */
    public KubeletSimOptions serviceAccountSigningKey(java.nio.file.Path keyFile, String issuer) {
        this.serviceAccountSigningKeyFile = keyFile;
        this.serviceAccountIssuer = issuer;
        return this;
    }

    public KubeletSimOptions configSyncPeriod(Duration d) {
        this.configSyncPeriod = d;
        return this;
    }

    public KubeletSimOptions nodeStatusReportFrequency(Duration d) {
        this.nodeStatusReportFrequency = d;
        return this;
    }

    public KubeletSimOptions nodeStatusUpdateFrequency(Duration d) {
        this.nodeStatusUpdateFrequency = d;
        return this;
    }

    public KubeletSimOptions simThreads(int n) {
        this.simThreads = n;
        return this;
    }

    public KubeletSimOptions clusterDns(String ips) {
        this.clusterDns = ips;
        return this;
    }

    public KubeletSimOptions clusterDomain(String domain) {
        this.clusterDomain = domain;
        return this;
    }

    public KubeletSimOptions resolvConf(String file) {
        this.resolvConf = file;
        return this;
    }

    public KubeletSimOptions kubeProxyAddress(String hostPort) {
        this.kubeProxyAddress = hostPort;
        return this;
    }

    public KubeletSimOptions nodeAddress(String ip) {
        this.nodeAddress = ip;
        return this;
    }

    public KubeletSimOptions logStore(String hostPort, Path spoolDir, String spoolBytes, Duration flushInterval) {
        this.logStoreAddress = hostPort;
        this.logSpoolDir = spoolDir;
        this.logSpoolBytes = spoolBytes;
        this.logFlushInterval = flushInterval;
        return this;
    }

    public KubeletSimOptions statusWorkers(int n) {
        this.statusWorkers = n;
        return this;
    }
}
