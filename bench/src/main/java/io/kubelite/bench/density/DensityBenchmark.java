package io.kubelite.bench.density;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.bench.common.Percentiles;
import io.kubelite.bench.common.ProcStat;
import io.kubelite.bench.common.RawWatchLatency;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.Etcd;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A ClusterLoader2-style density benchmark (issue 21); a program, not a test, run as
 * {@code kubelite bench density} (flags: {@link DensityCommand}).
 *
 * <p>Starts a cluster ({@link DensityCluster}: throw-away etcd, API server, controller-manager,
 * scheduler, kubelet-sim, each its own OS process) or attaches to one, waits for the nodes to be
 * Ready, then for each rate creates {@code nodes × podsPerNode} pods through the API server as
 * ReplicaSets ({@link ReplicaSetLoad}) and waits until a watch through the API server
 * ({@link ApiPodWatch}) has seen every one Running. It reports CL2's SLIs — pod startup latency
 * and its phases (from an etcd-side timeline, {@link EtcdPodTimeline}), API call latency per verb
 * and resource (the API server's own histogram, {@link ApiRequestHistograms}), each process's CPU
 * and peak RSS ({@link ProcessSampler}), etcd's writes and DB size — beside the raw etcd put→watch
 * latency at the same rate and the raw bind-shaped txn rate, measured on the same etcd in the same
 * run ({@link DensityReport}).
 */
public final class DensityBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DensityCommand o;
    /** The stored size of a pod of the last run: the raw figures write values of that size. */
    private int podBytes = 1_500;

    DensityBenchmark(DensityCommand options) {
        this.o = options;
    }

    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new DensityCommand()).execute(args));
    }

    List<DensityReport> run() throws Exception {
        System.out.printf(
                "density benchmark: %s, %d nodes x %d pods/node at %s pods/s, %d cores, load %s%n",
                Instant.now(),
                o.nodes,
                o.podsPerNode,
                o.ratesToRun(),
                Runtime.getRuntime().availableProcessors(),
                ProcStat.loadavg());
        DensityCluster.Spec spec = new DensityCluster.Spec(
                o.server,
                o.token,
                o.kubeconfig,
                o.etcdEndpoints,
                o.etcdPrefix,
                o.nodes,
                o.componentHeap,
                o.simHeap,
                o.simHousekeepingInterval,
                o.simNodeLeaseBatchSize,
                o.jvmArgs,
                o.jvmArgsFor,
                o.logLevel,
                o.logDir);
        try (DensityCluster cluster = DensityCluster.open(spec)) {
            ensureNamespace(cluster.api());
            awaitNodes(cluster);
            if (o.warmupPods > 0) {
                warmUp(cluster, o.ratesToRun().get(0));
            }
            List<Measured> measured = new ArrayList<>();
            List<Double> rates = o.ratesToRun();
            for (int i = 0; i < rates.size(); i++) {
                String prefix = "d" + i + "-";
                measured.add(measure(cluster, rates.get(i), prefix));
                if (i < rates.size() - 1 || !cluster.started()) {
                    deletePods(cluster);
                }
            }
            // the scheduler's floor, on the same etcd, with the cluster idle
            double rawTxn = RawBindTxn.rate(cluster.etcd(), o.rawTxns, 512, podBytes);
            System.out.printf(
                    "raw etcd bind-shaped txns (%d-byte values, 512 in flight): %.0f txn/s, load %s%n",
                    podBytes, rawTxn, ProcStat.loadavg());
            List<DensityReport> reports = new ArrayList<>();
            for (Measured m : measured) {
                DensityReport r = m.report(rawTxn);
                System.out.print(r.format());
                reports.add(r);
            }
            return reports;
        }
    }

    /** A run's report but for the raw txn rate, measured once after every rate. */
    private interface Measured {
        DensityReport report(double rawTxn);
    }

    private Measured measure(DensityCluster cluster, double rate, String prefix) throws Exception {
        int pods = o.nodes * o.podsPerNode;
        ApiServerConnection api = cluster.api();
        Etcd etcd = cluster.etcd();
        System.out.printf("creating %d pods at %.0f pods/s (load %s)%n", pods, rate, ProcStat.loadavg());
        try (EtcdPodTimeline timeline = new EtcdPodTimeline(etcd, o.namespace, prefix);
                ApiPodWatch watch = new ApiPodWatch(api, o.namespace, prefix);
                ReplicaSetLoad load = new ReplicaSetLoad(api, o.namespace);
                ProcessSampler sampler = new ProcessSampler(withThisProcess(cluster.pids()))) {
            timeline.start();
            watch.start();
            ApiRequestHistograms metricsBefore = scrape(api);
            long revBefore = revision(etcd);
            long dbBefore = dbSize(cluster);
            String startedAt = Instant.now().toString();
            String load0 = ProcStat.loadavg();
            sampler.start();
            long t0 = System.nanoTime();
            long[] clientPost = load.create(prefix, pods, o.groupSize, rate);
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            awaitRunning(watch, pods, t0, "");
            double allRunning = (System.nanoTime() - t0) / 1e9;
            var usage = sampler.usage();
            ApiRequestHistograms apiCalls = scrape(api).minus(metricsBefore);
            long writes = revision(etcd) - revBefore;
            long dbAfter = dbSize(cluster);
            String load1 = ProcStat.loadavg();
            Phases phases = phases(timeline, watch, prefix, pods);
            if (o.podTimes != null) {
                Path file = o.podTimesFile(rate);
                PodTimesCsv.write(file, t0, timeline, watch);
                System.out.println("wrote each pod's times to " + file);
            }
            System.out.printf(
                    "all %d pods Running %.1f s after the first create; raw etcd put->watch at %.0f/s ...%n",
                    pods, allRunning, rate);
            podBytes = podValueBytes(etcd);
            int rawCount = (int) Math.min(2_000, Math.max(20, rate * o.rawSeconds));
            Percentiles raw = RawWatchLatency.measure(etcd, rawCount, (int) Math.max(1, rate), podBytes);
            return rawTxn -> new DensityReport(
                    startedAt,
                    Runtime.getRuntime().availableProcessors(),
                    load0,
                    load1,
                    o.nodes,
                    pods,
                    rate,
                    o.groupSize,
                    o.warmupPods,
                    watch.runningCount(),
                    createSeconds,
                    allRunning,
                    Latencies.of(phases.startup),
                    Latencies.of(phases.createToSchedule),
                    Latencies.of(phases.scheduleToRun),
                    Latencies.of(phases.runToWatch),
                    apiCalls.rows(),
                    Latencies.of(clientPost),
                    usage,
                    writes,
                    dbBefore,
                    dbAfter,
                    raw,
                    rawTxn);
        }
    }

    /**
     * Creates {@code --warmup-pods} pods at the first rate, waits until the API watch has seen them
     * all Running, and deletes them: the JVMs' first minute (classes loaded, code compiled, heaps
     * first touched) is not what a running cluster does. As ClusterLoader2 measures its latency
     * pods after the saturation phase and kube's scheduler_perf after its initPods.
     */
    private void warmUp(DensityCluster cluster, double rate) throws Exception {
        String prefix = "w-";
        System.out.printf(
                "warm-up: %d pods at %.0f pods/s, not measured (load %s)%n", o.warmupPods, rate, ProcStat.loadavg());
        long t0 = System.nanoTime();
        try (ApiPodWatch watch = new ApiPodWatch(cluster.api(), o.namespace, prefix);
                ReplicaSetLoad load = new ReplicaSetLoad(cluster.api(), o.namespace)) {
            watch.start();
            load.create(prefix, o.warmupPods, o.groupSize, rate);
            awaitRunning(watch, o.warmupPods, t0, "warm-up: ");
        }
        System.out.printf("warm-up: %d pods Running after %.1f s%n", o.warmupPods, (System.nanoTime() - t0) / 1e9);
        deletePods(cluster);
    }

    /**
     * Waits until {@code watch} has seen {@code pods} Running, at most {@code --timeout-minutes},
     * printing progress every 10 s (t counted from {@code t0}); {@code what} begins its lines.
     */
    private void awaitRunning(ApiPodWatch watch, int pods, long t0, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(o.timeoutMinutes);
        long lastPrint = System.nanoTime();
        while (watch.runningCount() < pods) {
            if (watch.failure() != null) {
                throw new IllegalStateException(what + "the API pod watch failed: " + watch.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(
                        "%sonly %d of %d pods Running %d min after the last create",
                        what, watch.runningCount(), pods, o.timeoutMinutes));
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  %s%d/%d Running, t=%.0f s, load %s%n",
                        what, watch.runningCount(), pods, (lastPrint - t0) / 1e9, ProcStat.loadavg());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The cluster's processes and this one: the benchmark's watches and its JSON parsing share the
     * same two cores, so its cost belongs in the table beside theirs.
     */
    private static Map<String, Long> withThisProcess(Map<String, Long> pids) {
        Map<String, Long> all = new LinkedHashMap<>(pids);
        if (!all.isEmpty()) {
            all.put("benchmark (this process)", ProcessHandle.current().pid());
        }
        return all;
    }

    private record Phases(long[] startup, long[] createToSchedule, long[] scheduleToRun, long[] runToWatch) {}

    /**
     * Per pod, from the etcd-side timeline and the API watch: a phase whose two ends the probes saw
     * in the other order (the etcd informer and the API watch race) counts as 0.
     */
    private static Phases phases(EtcdPodTimeline timeline, ApiPodWatch watch, String prefix, int pods)
            throws InterruptedException {
        // the etcd-side informer may trail the API watch by a moment: give it up to 10 s to catch up
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long[][] out = new long[4][];
        List<long[]> rows = new ArrayList<>();
        for (String name : timeline.names()) {
            EtcdPodTimeline.Times t = timeline.get(name);
            Long seen = watch.running(name);
            while ((t.running == 0 || t.scheduled == 0) && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            if (seen == null || t.created == 0 || t.scheduled == 0 || t.running == 0) {
                continue;
            }
            rows.add(new long[] {
                seen - t.created,
                Math.max(0, t.scheduled - t.created),
                Math.max(0, t.running - t.scheduled),
                Math.max(0, seen - t.running)
            });
        }
        for (int k = 0; k < 4; k++) {
            out[k] = new long[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                out[k][r] = rows.get(r)[k];
            }
        }
        if (rows.size() < pods) {
            System.out.printf(
                    "  (phases from %d of %d pods: the etcd-side timeline missed the rest)%n", rows.size(), pods);
        }
        return new Phases(out[0], out[1], out[2], out[3]);
    }

    private void ensureNamespace(ApiServerConnection api) throws IOException {
        ApiServerConnection.Response r = api.send(
                "POST",
                "/api/v1/namespaces",
                "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + o.namespace + "\"}}");
        if (!r.ok() && r.code() != 409) {
            throw new IOException("creating namespace " + o.namespace + ": HTTP " + r.code() + " " + r.body());
        }
    }

    /** Waits until the API server lists at least N Ready nodes (ours only, when we started them). */
    private void awaitNodes(DensityCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(o.timeoutMinutes);
        long lastPrint = t0;
        while (true) {
            ApiServerConnection.Response r = cluster.api().get("/api/v1/nodes");
            if (!r.ok()) {
                throw new IOException("listing nodes through the API server: HTTP " + r.code() + " " + r.body());
            }
            int ready = 0;
            for (JsonNode n : JSON.readTree(r.body()).path("items")) {
                if (cluster.started()
                        && !n.path("metadata").path("name").asText().startsWith(DensityCluster.NODE_PREFIX)) {
                    continue;
                }
                // ours also wait for node IPAM's pod CIDR, so its thousands of Node writes are not in the window
                if (cluster.started() && n.path("spec").path("podCIDR").asText().isEmpty()) {
                    continue;
                }
                for (JsonNode c : n.path("status").path("conditions")) {
                    if (c.path("type").asText().equals("Ready")
                            && c.path("status").asText().equals("True")) {
                        ready++;
                    }
                }
            }
            if (ready >= o.nodes) {
                System.out.printf(
                        "%d nodes Ready after %.1f s (load %s)%n",
                        ready, (System.nanoTime() - t0) / 1e9, ProcStat.loadavg());
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + ready + " of " + o.nodes + " nodes Ready after " + o.timeoutMinutes + " min");
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  %d/%d nodes Ready%s, load %s%n",
                        ready, o.nodes, cluster.started() ? " with a pod CIDR" : "", ProcStat.loadavg());
            }
            Thread.sleep(1000);
        }
    }

    /**
     * Deletes the run's ReplicaSets (orphaning their pods, so none is recreated) and then the pods,
     * and waits until etcd holds none of them.
     */
    private void deletePods(DensityCluster cluster) throws Exception {
        ApiServerConnection api = cluster.api();
        long t0 = System.nanoTime();
        ApiServerConnection.Response rs = api.send(
                "DELETE",
                "/apis/apps/v1/namespaces/" + o.namespace + "/replicasets?propagationPolicy=Orphan",
                null,
                null);
        ApiServerConnection.Response pods =
                api.send("DELETE", "/api/v1/namespaces/" + o.namespace + "/pods?gracePeriodSeconds=0", null, null);
        if (!rs.ok() || !pods.ok()) {
            throw new IOException("deleting the run's ReplicaSets and pods: HTTP " + rs.code() + ", " + pods.code());
        }
        Etcd etcd = cluster.etcd();
        String key = etcd.prefix() + "/pods/" + o.namespace + "/";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long left;
        while ((left = etcd.client()
                        .getKVClient()
                        .get(
                                Etcd.bytes(key),
                                GetOption.builder()
                                        .isPrefix(true)
                                        .withCountOnly(true)
                                        .build())
                        .get(30, TimeUnit.SECONDS)
                        .getCount())
                > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(left + " pods still in etcd 5 min after their delete");
            }
            Thread.sleep(200);
        }
        System.out.printf("deleted the run's pods in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static ApiRequestHistograms scrape(ApiServerConnection api) throws IOException {
        ApiServerConnection.Response r = api.get("/metrics");
        if (!r.ok()) {
            throw new IOException("reading the API server's /metrics: HTTP " + r.code());
        }
        return ApiRequestHistograms.parse(r.body());
    }

    private static long revision(Etcd etcd) throws Exception {
        return etcd.client()
                .getKVClient()
                .get(Etcd.bytes("/"), GetOption.builder().withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS)
                .getHeader()
                .getRevision();
    }

    private static long dbSize(DensityCluster cluster) throws Exception {
        return cluster.etcd()
                .client()
                .getMaintenanceClient()
                .statusMember(cluster.etcdEndpoint())
                .get(30, TimeUnit.SECONDS)
                .getDbSize();
    }

    /** The stored size of one of the run's pods; 1,500 if there is none. */
    private int podValueBytes(Etcd etcd) throws Exception {
        var kvs = etcd.client()
                .getKVClient()
                .get(
                        Etcd.bytes(etcd.prefix() + "/pods/" + o.namespace + "/"),
                        GetOption.builder().isPrefix(true).withLimit(1).build())
                .get(30, TimeUnit.SECONDS)
                .getKvs();
        return kvs.isEmpty() ? 1_500 : kvs.get(0).getValue().size();
    }
}
