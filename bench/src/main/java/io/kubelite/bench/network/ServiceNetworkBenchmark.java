package io.kubelite.bench.network;

import io.kubelite.bench.common.HeapProbe;
import io.kubelite.bench.common.Percentiles;
import io.kubelite.bench.common.RawWatchLatency;
import io.kubelite.bench.common.Trees;
import io.kubelite.dns.ClusterDnsRecords;
import io.kubelite.dns.ClusterDnsWatcher;
import io.kubelite.dns.DnsResolver;
import io.kubelite.dns.DnsServer;
import io.kubelite.proxy.ProxyState;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import io.kubelite.store.reflector.ListerWatchers;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Issue 16 item 8: Service networking at 1,000 Services × 10 endpoints on 100 nodes, next to
 * raw etcd watch latency in the same run.
 *
 * <p>Writes the cluster ({@link ServiceFixture}) into a throw-away durable etcd (or
 * {@code --etcd-endpoints}), then, each on its own informers over that etcd, in this process:
 *
 * <ol>
 *   <li>raw etcd: put → watch event latency ({@link RawWatchLatency}), before and after the rest;</li>
 *   <li>kube-proxy's {@link ProxyState} serving all nodes with {@code --min-sync-period 0}: heap
 *       it keeps, then N endpoint readiness flips, each timed from the write to the sync after
 *       which every node's rules show it ({@link RulesSyncProbe}), and the duration of the syncs;</li>
 *   <li>the same with kube's default {@code --min-sync-period 1s}, flips spaced by a random
 *       0–1 s pause after each is seen;</li>
 *   <li>the cluster DNS ({@link ClusterDnsRecords} fed by {@link ClusterDnsWatcher}, a
 *       {@link DnsServer} on 127.0.0.1): heap of its records and informers, then dnsperf-style
 *       load ({@link DnsLoad}).</li>
 * </ol>
 *
 * <p>Usage: {@code ServiceNetworkBenchmark [--nodes 100] [--services 1000] [--endpoints 10]
 * [--changes 200] [--debounced-changes 50] [--dns-seconds 10] [--dns-inflight 20]
 * [--raw-puts 500] [--etcd-endpoints host:port]}.
 */
public final class ServiceNetworkBenchmark {
    private record Options(
            int nodes,
            int services,
            int endpoints,
            int changes,
            int debouncedChanges,
            int dnsSeconds,
            int dnsInflight,
            int rawPuts,
            String etcdEndpoints) {
        static Options parse(String[] args) {
            int nodes = 100, services = 1000, endpoints = 10, changes = 200, debounced = 50;
            int dnsSeconds = 10, dnsInflight = 20, rawPuts = 500;
            String etcd = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--services" -> services = Integer.parseInt(args[++i]);
                    case "--endpoints" -> endpoints = Integer.parseInt(args[++i]);
                    case "--changes" -> changes = Integer.parseInt(args[++i]);
                    case "--debounced-changes" -> debounced = Integer.parseInt(args[++i]);
                    case "--dns-seconds" -> dnsSeconds = Integer.parseInt(args[++i]);
                    case "--dns-inflight" -> dnsInflight = Integer.parseInt(args[++i]);
                    case "--raw-puts" -> rawPuts = Integer.parseInt(args[++i]);
                    case "--etcd-endpoints" -> etcd = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Options(nodes, services, endpoints, changes, debounced, dnsSeconds, dnsInflight, rawPuts, etcd);
        }
    }

    /** What one kube-proxy phase measured. */
    private record ProxyFigures(
            Percentiles changeToRules,
            Percentiles syncDuration,
            long syncs,
            int renderings,
            long heapBytes,
            long rulesBytes,
            double firstSyncMillis,
            long programmedCount,
            double programmedMeanMillis) {}

    private final Options o;
    private final Etcd etcd;
    private final Store store;
    private final Random random = new Random(16_8);

    private ServiceNetworkBenchmark(Options o, Etcd etcd) {
        this.o = o;
        this.etcd = etcd;
        this.store = new Store(etcd);
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        EtcdMember local = null;
        Path dir = null;
        String endpoints = o.etcdEndpoints();
        if (endpoints == null) {
            dir = Files.createTempDirectory("kubelite-netbench-etcd");
            local = EtcdMember.startHealthy(
                    EtcdBinary.etcd()
                            .orElseThrow(() -> new IllegalStateException(
                                    "no etcd binary: install etcd-server or pass --etcd-endpoints")),
                    EtcdMember.Spec.single("netbench", dir.resolve("data"), dir.resolve("etcd.log")),
                    Duration.ofSeconds(30));
            endpoints = local.endpoint();
            EtcdMember started = local;
            // a benchmark stopped with ^C or kill must not leave its etcd running
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "netbench-etcd-stop"));
        }
        String prefix = "/netbench-" + Long.toHexString(System.nanoTime()) + "/registry";
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of(endpoints.split(",")), prefix, Duration.ofSeconds(30)))) {
            new ServiceNetworkBenchmark(o, etcd).run();
        } finally {
            if (local != null) {
                local.close();
                Trees.delete(dir);
            }
        }
        System.exit(0);
    }

    /** Removes the throw-away etcd's data and log. */
    private void run() throws Exception {
        System.out.printf(
                "service networking benchmark: %d nodes, %d Services x %d endpoints, %d cores, load %s%n",
                o.nodes(), o.services(), o.endpoints(), Runtime.getRuntime().availableProcessors(), load());
        long t0 = System.nanoTime();
        ServiceFixture fixture = new ServiceFixture(store, o.nodes(), o.services(), o.endpoints());
        fixture.write(64);
        System.out.printf("wrote the cluster in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Percentiles rawBefore = RawWatchLatency.measure(etcd, o.rawPuts(), 100, 1_000);
        System.out.printf("raw etcd put -> watch event (before): %s%n", rawBefore.millis());

        ProxyFigures eager = proxyPhase(fixture, Duration.ZERO, o.changes(), 0);
        ProxyFigures debounced = proxyPhase(fixture, Duration.ofSeconds(1), o.debouncedChanges(), 1_000);
        DnsFigures dns = dnsPhase();

        Percentiles rawAfter = RawWatchLatency.measure(etcd, o.rawPuts(), 100, 1_000);
        System.out.printf("raw etcd put -> watch event (after): %s%n", rawAfter.millis());
        print(eager, debounced, dns, rawBefore, rawAfter);
    }

    private ProxyFigures proxyPhase(ServiceFixture fixture, Duration minSync, int changes, int maxPauseMillis)
            throws Exception {
        System.out.printf("kube-proxy, --min-sync-period %s, %d changes ...%n", minSync, changes);
        long heap0 = HeapProbe.liveBytes();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Set<String> nodes = new TreeSet<>();
        for (int n = 0; n < o.nodes(); n++) {
            nodes.add(ServiceFixture.nodeName(n));
        }
        try (SharedInformerFactory informers = new SharedInformerFactory(ListerWatchers.etcd(store));
                ProxyState state = new ProxyState(
                        informers, nodes, Optional.of("10.244.0.0/16"), minSync, registry, Clock.systemUTC())) {
            RulesSyncProbe probe = new RulesSyncProbe(state, nodes);
            long start = System.nanoTime();
            informers.start();
            long deadline = start + TimeUnit.MINUTES.toNanos(5);
            while (!state.hasSyncedRules()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("kube-proxy did not sync within 5 minutes");
                }
                Thread.sleep(20);
            }
            double firstSync = (System.nanoTime() - start) / 1e6;
            long heap = HeapProbe.liveBytes() - heap0;
            Map<String, Boolean> distinct = new IdentityHashMap<>();
            long rulesBytes = 0;
            for (String n : nodes) {
                String r = state.rules(n).orElseThrow();
                if (distinct.put(r, Boolean.TRUE) == null) {
                    rulesBytes += r.length();
                }
            }
            int before = probe.reports().size();
            Timer programming =
                    registry.find("kubeproxy_network_programming_duration").timer();
            long count0 = programming.count();
            double total0 = programming.totalTime(TimeUnit.MILLISECONDS);
            long[] lat = new long[changes];
            for (int i = 0; i < changes; i++) {
                int svc = random.nextInt(o.services());
                int ep = random.nextInt(o.endpoints());
                var done = probe.expect(fixture.plan(svc, ep));
                fixture.flip(svc, ep);
                lat[i] = done.get(2, TimeUnit.MINUTES);
                if (maxPauseMillis > 0) {
                    Thread.sleep(random.nextInt(maxPauseMillis));
                }
            }
            List<ProxyState.SyncReport> reports = probe.reports();
            List<ProxyState.SyncReport> measured = reports.subList(before, reports.size());
            long[] took = measured.stream().mapToLong(r -> r.took().toNanos()).toArray();
            int renderings =
                    measured.isEmpty() ? 0 : measured.get(measured.size() - 1).renderings();
            ProxyFigures f = new ProxyFigures(
                    Percentiles.of(lat),
                    Percentiles.of(took),
                    measured.size(),
                    renderings,
                    heap,
                    rulesBytes,
                    firstSync,
                    programming.count() - count0,
                    (programming.totalTime(TimeUnit.MILLISECONDS) - total0)
                            / Math.max(1, programming.count() - count0));
            System.out.printf(
                    "  change -> all %d nodes' rules: %s; sync duration %s over %d syncs (%d renderings each)%n",
                    nodes.size(), f.changeToRules().millis(), f.syncDuration().millis(), f.syncs(), renderings);
            return f;
        }
    }

    /** What the DNS phase measured. */
    private record DnsFigures(long heapBytes, double syncMillis, DnsLoad.Result load) {}

    private DnsFigures dnsPhase() throws Exception {
        System.out.printf("cluster DNS, %d in flight for %d s ...%n", o.dnsInflight(), o.dnsSeconds());
        long heap0 = HeapProbe.liveBytes();
        Name zone = Name.fromString("cluster.local.");
        ClusterDnsRecords records = new ClusterDnsRecords(DnsResolver.apexes(zone));
        try (SharedInformerFactory informers = new SharedInformerFactory(ListerWatchers.etcd(store))) {
            new ClusterDnsWatcher(informers, records, zone, 30);
            long start = System.nanoTime();
            informers.start();
            if (!informers.waitForCacheSync(Duration.ofMinutes(2))) {
                throw new IllegalStateException("DNS informers did not sync");
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (records.services() < o.services()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("DNS has records for " + records.services() + " Services");
                }
                Thread.sleep(10);
            }
            double sync = (System.nanoTime() - start) / 1e6;
            long heap = HeapProbe.liveBytes() - heap0;
            try (DnsServer server = new DnsServer(
                    new DnsResolver(records, zone, 30, System.currentTimeMillis() / 1000), "127.0.0.1", 0)) {
                server.start();
                DnsLoad.Result r =
                        DnsLoad.run(server.port(), queries(), o.dnsInflight(), 2_000, o.dnsSeconds() * 1_000L, 1_000);
                System.out.printf(
                        "  %.0f queries/s, latency %s, %d lost of %d sent%n",
                        r.qps(), r.latency().millis(2), r.lost(), r.sent());
                return new DnsFigures(heap, sync, r);
            }
        }
    }

    /** dnsperf's data file: per Service an A query (3 in 5), an SRV query (1 in 5) or an NXDOMAIN name (1 in 5). */
    private List<byte[]> queries() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (int s = 0; s < o.services(); s++) {
            String svc = ServiceFixture.serviceName(s) + "." + ServiceFixture.namespace(s) + ".svc.cluster.local.";
            for (int k = 0; k < 3; k++) {
                out.add(query(svc, Type.A));
            }
            out.add(query("_http._tcp." + svc, Type.SRV));
            out.add(query("nosuch-" + s + "." + ServiceFixture.namespace(s) + ".svc.cluster.local.", Type.A));
        }
        Collections.shuffle(out, random);
        return out;
    }

    private static byte[] query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN))
                .toWire();
    }

    private void print(
            ProxyFigures eager, ProxyFigures debounced, DnsFigures dns, Percentiles rawBefore, Percentiles rawAfter) {
        System.out.printf(
                "%n=== Service networking: %d Services x %d endpoints on %d nodes (%d cores, load %s) ===%n",
                o.services(), o.endpoints(), o.nodes(), Runtime.getRuntime().availableProcessors(), load());
        row("raw etcd put -> watch event p50 / p99 (before)", rawBefore.millis());
        row("raw etcd put -> watch event p50 / p99 (after)", rawAfter.millis());
        proxyRows("--min-sync-period 0", eager);
        proxyRows("--min-sync-period 1s", debounced);
        DnsLoad.Result r = dns.load();
        row(
                "DNS queries/s (" + o.dnsInflight() + " in flight, " + o.dnsSeconds() + " s)",
                String.format("%.0f", r.qps()));
        row("DNS latency p50 / p99", r.latency().millis(2) + "   [raw etcd watch " + rawBefore.millis() + "]");
        row(
                "DNS lost / sent",
                r.lost() + " / " + r.sent() + " (NOERROR " + r.rcodes()[Rcode.NOERROR] + ", NXDOMAIN "
                        + r.rcodes()[Rcode.NXDOMAIN] + ")");
        row("DNS heap after GC (informers + records)", HeapProbe.mib(dns.heapBytes()));
        row("DNS informer sync -> all records", String.format("%.0f ms", dns.syncMillis()));
    }

    private void proxyRows(String label, ProxyFigures f) {
        row(
                "rules sync, " + label + ": change -> all nodes p50 / p99",
                f.changeToRules().millis());
        row("  changes / syncs", f.changeToRules().count() + " / " + f.syncs());
        row("  full sync duration p50 / p99", f.syncDuration().millis());
        row("  renderings per sync (distinct rule texts)", Integer.toString(f.renderings()));
        row(
                "  kube's network programming metric over the changes (count, mean)",
                String.format("%d, %.1f ms", f.programmedCount(), f.programmedMeanMillis()));
        row("  first sync after informers start", String.format("%.0f ms", f.firstSyncMillis()));
        row("  heap after GC (informers + rules)", HeapProbe.mib(f.heapBytes()));
        row(
                "  distinct rules text",
                String.format("%.1f MB (Latin-1: a byte a character in heap)", f.rulesBytes() / 1e6));
    }

    private static void row(String name, String value) {
        System.out.printf("%-58s %s%n", name, value);
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
