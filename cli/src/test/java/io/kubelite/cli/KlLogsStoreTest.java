package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.DaemonEndpoint;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.NodeDaemonEndpoints;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.logstore.LogStore;
import io.kubelite.logstore.LogStoreConfig;
import io.kubelite.logstore.http.LogStoreServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kl logs -l}, {@code kl logs POD} of deleted pods and dead nodes, paging and following,
 * all answered by a real log store on 127.0.0.1 behind a real API server's service proxy. One
 * cluster for the class; each test uses pods of its own.
 */
@Timeout(120)
class KlLogsStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;
    static LogStore store;
    /** What kl reaches through the service proxy; a test restarts it. */
    static volatile LogStoreServer server;
    /** Where the tests push lines, as node agents would, whether or not {@link #server} is up. */
    static LogStoreServer ingestServer;

    static int storePort;
    /** Two minutes ago: every fixed-time line is older than a --since=1m. */
    static final long T0 = nanos(Instant.now().minusSeconds(120));

    static KlRun.Result kl(String... args) {
        return KlRun.against(api.url(), args);
    }

    static long nanos(Instant i) {
        return KlRun.nanos(i);
    }

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        store = new LogStore(
                new LogStoreConfig(dir, Duration.ofHours(1), Duration.ZERO, 0),
                Clock.systemUTC(),
                new SimpleMeterRegistry());
        store.start();
        server = new LogStoreServer("127.0.0.1", 0, store, Clock.systemUTC());
        server.start();
        storePort = server.port();
        ingestServer = new LogStoreServer("127.0.0.1", 0, store, Clock.systemUTC());
        ingestServer.start();
        registerLogStore();
        // two pods x two containers, interleaved in time (ms after T0)
        ingest(
                "web-0",
                "app",
                Map.of("app", "web", "tier", "front"),
                0,
                new long[] {1, 5},
                "a1 GET /cart",
                "a2 GET /ok");
        ingest("web-0", "side", Map.of("app", "web", "tier", "front"), 0, new long[] {2}, "s1 synced");
        ingest("web-1", "app", Map.of("app", "web", "tier", "back"), 0, new long[] {3}, "b1 GET /pay");
        ingest("web-1", "side", Map.of("app", "web", "tier", "back"), 0, new long[] {4, 6}, "t1 synced", "t2 flushed");
        Poll.until(
                Duration.ofSeconds(20),
                "the log store answers through the service proxy",
                () -> kl("logs", "search", "{app=\"web\"}"),
                r -> r.code() == 0 && r.out().contains("t2 flushed"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server, ingestServer, store, api}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
    }

    /** A container's lines (namespace shop), pushed as a node log agent pushes them, at T0 + ms[i]. */
    static void ingest(String pod, String container, Map<String, String> labels, int seq0, long[] ms, String... lines)
            throws Exception {
        long[] ts = new long[ms.length];
        for (int i = 0; i < ms.length; i++) {
            ts[i] = T0 + ms[i] * 1_000_000L;
        }
        ingestAt(pod, container, labels, seq0, ts, lines);
    }

    static void ingestAt(String pod, String container, Map<String, String> labels, int seq0, long[] ts, String... lines)
            throws Exception {
        ingestInstance(pod, pod + "-uid", 0, container, labels, seq0, ts, lines);
    }

    /** Lines of one container instance: pod UID {@code uid}, restart {@code restart}. */
    static void ingestInstance(
            String pod,
            String uid,
            int restart,
            String container,
            Map<String, String> labels,
            int seq0,
            long[] ts,
            String... lines)
            throws Exception {
        var json = TestApiServer.JSON;
        var values = json.createArrayNode();
        for (int i = 0; i < lines.length; i++) {
            values.addObject()
                    .put("ts", Long.toString(ts[i]))
                    .put("seq", seq0 + i)
                    .put("line", lines[i]);
        }
        var s = json.createObjectNode();
        s.put("namespace", "shop").put("pod", pod).put("podUID", uid).put("container", container);
        s.put("restartCount", restart);
        s.put("node", "node-1").put("stream", "stdout");
        s.set("podLabels", json.valueToTree(labels));
        s.set("lines", values);
        var body = json.createObjectNode();
        body.putArray("streams").add(s);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestServer.port() + "/ingest"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Service kube-system/log-store (port http) and its ready loopback slice, as kubelite addons and the EndpointSlice controller make them. */
    static void registerLogStore() {
        TestApiServer.Resp svc = api.post(
                "/api/v1/namespaces/kube-system/services",
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"log-store\"},"
                        + "\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":3100}]}}");
        assertThat(svc.code()).as(svc.body()).isEqualTo(201);
        api.store()
                .of(EndpointSliceKind.RESOURCE)
                .create(EndpointSlice.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("log-store-1")
                                .setNamespace("kube-system")
                                .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "log-store"))
                        .setAddressType("IPv4")
                        .addEndpoints(Endpoint.newBuilder()
                                .addAddresses("127.0.0.1")
                                .setConditions(EndpointConditions.newBuilder().setReady(true)))
                        .addPorts(EndpointPort.newBuilder().setName("http").setPort(storePort))
                        .build())
                .join();
    }

    static void createPod(
            String name,
            String node,
            Map<String, String> labels,
            Map<String, String> annotations,
            String... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node);
        for (String c : containers) {
            spec.addContainers(Container.newBuilder().setName(c).setImage("busybox"));
        }
        api.store()
                .of(PodKind.RESOURCE)
                .create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName(name)
                                .setNamespace("shop")
                                .putAllLabels(labels)
                                .putAllAnnotations(annotations))
                        .setSpec(spec)
                        .build())
                .join();
    }

    static String golden(String name) throws Exception {
        return new String(
                KlLogsStoreTest.class.getResourceAsStream("/golden/" + name).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void selectorLinesOfLiveAndDeletedPodsMergedByTimeWithKubectlsPrefix() throws Exception {
        KlRun.Result all = kl("-n", "shop", "logs", "-l", "app=web", "--all-containers", "--prefix", "--tail=-1");
        assertThat(all.err()).isEmpty();
        assertThat(all.out()).isEqualTo(golden("logs-selector-prefix.txt"));

        // web-1 is alive with its default container annotated; web-0 is gone: all the store has of it
        createPod(
                "web-1",
                "",
                Map.of("app", "web", "tier", "back"),
                Map.of(DefaultContainer.ANNOTATION, "side"),
                "app",
                "side");
        assertThat(kl("-n", "shop", "logs", "-l", "app=web", "--prefix").out())
                .as("each pod's default container; all of a deleted pod's")
                .isEqualTo("[pod/web-0/app] a1 GET /cart\n[pod/web-0/side] s1 synced\n[pod/web-1/side] t1 synced\n"
                        + "[pod/web-0/app] a2 GET /ok\n[pod/web-1/side] t2 flushed\n");
        assertThat(kl("-n", "shop", "logs", "-l", "app=web", "--all-containers", "--tail", "1")
                        .out())
                .as("--tail per container, without prefix")
                .isEqualTo("s1 synced\nb1 GET /pay\na2 GET /ok\nt2 flushed\n");
        assertThat(kl("-n", "shop", "logs", "-l", "app=web,tier notin (back)", "-c", "side", "--prefix")
                        .out())
                .isEqualTo("[pod/web-0/side] s1 synced\n");
        KlRun.Result recent = kl("-n", "shop", "logs", "-l", "app=web", "--since=1m");
        assertThat(recent.code()).isZero();
        assertThat(recent.out()).as("every line is two minutes old").isEmpty();
        KlRun.Result sinceTime = kl(
                "-n",
                "shop",
                "logs",
                "-l",
                "app in (web)",
                "--all-containers",
                "--since-time",
                Instant.ofEpochSecond(0, T0 + 5_000_000L).toString());
        assertThat(sinceTime.out()).isEqualTo("a2 GET /ok\nt2 flushed\n");

        KlRun.Result bad = kl("-n", "shop", "logs", "-l", "replicas>2");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip())
                .isEqualTo("error: unable to use label selector \"replicas>2\" with the log store: \"replicas>2\": the"
                        + " log store cannot compare label values (> and <)");
        KlRun.Result previous = kl("-n", "shop", "logs", "-l", "app=web", "-p");
        assertThat(previous.code()).isEqualTo(1);
        assertThat(previous.err().strip())
                .isEqualTo("error: kl answers --previous from the log store for one pod (kl logs POD -p), not with -l");
        KlRun.Result both = kl("-n", "shop", "logs", "web-0", "-l", "app=web");
        assertThat(both.err().strip()).isEqualTo("error: only a selector (-l) or a POD name is allowed");
    }

    @Test
    void aDeletedPodsLogsComeFromTheStoreWithANote() {
        KlRun.Result r = kl("-n", "shop", "logs", "web-0", "-c", "app");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("a1 GET /cart\na2 GET /ok\n");
        assertThat(r.err()).isEqualTo("kl: pod \"web-0\" not found; showing its lines from the log store\n");
        assertThat(kl("-n", "shop", "logs", "pod/web-0", "-c", "app", "--tail", "1")
                        .out())
                .isEqualTo("a2 GET /ok\n");

        KlRun.Result which = kl("-n", "shop", "logs", "web-0");
        assertThat(which.code()).isEqualTo(1);
        assertThat(which.err().strip())
                .isEqualTo("error: a container name must be specified for pod web-0, choose one of: [app side]");

        KlRun.Result previous = kl("-n", "shop", "logs", "web-0", "-c", "app", "-p");
        assertThat(previous.code()).isEqualTo(1);
        assertThat(previous.err().strip())
                .isEqualTo("error: pod \"web-0\" not found, and the log store has no lines of a previous terminated"
                        + " container \"app\" in pod \"web-0\"");

        KlRun.Result unknown = kl("-n", "shop", "logs", "nobody");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err().strip()).isEqualTo("Error from server (NotFound): pods \"nobody\" not found");
    }

    @Test
    void aRecreatedPodsLogsAreItsNewestInstanceAndPreviousIsTheRestartBefore() throws Exception {
        Map<String, String> db = Map.of("app", "db");
        long t = T0 + 100_000_000L;
        // db-0 as a StatefulSet makes it: one pod, deleted; a new pod of the same name, restarted once
        ingestInstance("db-0", "db-0-first", 0, "db", db, 0, new long[] {t}, "first pod");
        ingestInstance("db-0", "db-0-second", 0, "db", db, 0, new long[] {t + 1_000_000L}, "second pod, run 0");
        ingestInstance(
                "db-0",
                "db-0-second",
                1,
                "db",
                db,
                0,
                new long[] {t + 2_000_000L, t + 3_000_000L},
                "second pod, run 1 a",
                "second pod, run 1 b");

        KlRun.Result current = kl("-n", "shop", "logs", "db-0");
        assertThat(current.code()).as(current.err()).isZero();
        assertThat(current.out()).isEqualTo("second pod, run 1 a\nsecond pod, run 1 b\n");
        assertThat(kl("-n", "shop", "logs", "db-0", "--tail", "1").out()).isEqualTo("second pod, run 1 b\n");
        KlRun.Result previous = kl("-n", "shop", "logs", "db-0", "-p");
        assertThat(previous.code()).as(previous.err()).isZero();
        assertThat(previous.out()).isEqualTo("second pod, run 0\n");
        assertThat(kl("-n", "shop", "logs", "search", "{pod=\"db-0\"}").out())
                .as("a search shows every instance")
                .isEqualTo("[pod/db-0/db] first pod\n[pod/db-0/db] second pod, run 0\n"
                        + "[pod/db-0/db] second pod, run 1 a\n[pod/db-0/db] second pod, run 1 b\n");
    }

    @Test
    void aDeadNodesPodsLogsComeFromTheStore() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: a dead kubelet
        }
        api.store()
                .of(NodeKind.RESOURCE)
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("dead-node"))
                        .setStatus(NodeStatus.newBuilder()
                                .addAddresses(NodeAddress.newBuilder()
                                        .setType("InternalIP")
                                        .setAddress("127.0.0.1"))
                                .setDaemonEndpoints(NodeDaemonEndpoints.newBuilder()
                                        .setKubeletEndpoint(
                                                DaemonEndpoint.newBuilder().setPort(closedPort))))
                        .build())
                .join();
        createPod("api-0", "dead-node", Map.of("app", "api"), Map.of(), "api");
        ingest("api-0", "api", Map.of("app", "api"), 0, new long[] {10, 11}, "listening", "ready");

        KlRun.Result r = kl("-n", "shop", "logs", "api-0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("listening\nready\n");
        assertThat(r.err())
                .startsWith("kl: the node of pod \"api-0\" does not answer (")
                .endsWith("); showing its lines from the log store\n")
                .doesNotContain("Exception");
    }

    /** The timestamp of a "ts line" string. */
    static long ts(String tsAndLine) {
        return Long.parseLong(tsAndLine.substring(0, tsAndLine.indexOf(' ')));
    }

    @Test
    void pagingReturnsEveryLineOnceAcrossPagesOfEqualTimestamps() throws Exception {
        // 11 lines of one container and 3 of another, many sharing a timestamp
        long[] ms = {1, 1, 1, 2, 2, 2, 2, 3, 4, 4, 4};
        String[] lines = new String[ms.length];
        for (int i = 0; i < ms.length; i++) {
            lines[i] = "line " + i;
        }
        ingest("many-0", "c", Map.of("app", "many"), 0, ms, lines);
        ingest("many-0", "d", Map.of("app", "many"), 0, new long[] {2, 2, 4}, "same", "same", "same");
        LogStoreClient client = new LogStoreClient(new ApiClient(api.url(), null, null));
        String q = "{app=\"many\"}";
        long end = nanos(Instant.now());
        // "ts line": equal timestamps of different streams may come in any order, but never out of time order
        List<String> expected = new ArrayList<>();
        for (LokiLines.Line l : client.queryRange(q, T0, end, 5000, true)) {
            expected.add(l.ts() + " " + l.printed());
        }
        expected.sort(null);
        assertThat(expected).hasSize(14);
        // lines at one timestamp: at most 6, so pages of 7 and 8 end inside such groups and step past them
        for (int page : new int[] {7, 8}) {
            List<String> paged = new ArrayList<>();
            new StorePager(client, page).all(q, T0, end).forEach(l -> paged.add(l.ts() + " " + l.printed()));
            assertThat(paged)
                    .as("forward in pages of " + page + ", in time order")
                    .isSortedAccordingTo(java.util.Comparator.comparingLong(KlLogsStoreTest::ts));
            assertThat(paged).as("forward in pages of " + page).containsExactlyInAnyOrderElementsOf(expected);
            List<String> newest = new ArrayList<>();
            new StorePager(client, page).newest(q, T0, end, 9).forEach(l -> newest.add(l.ts() + " " + l.printed()));
            assertThat(newest).as("the newest 9 in pages of " + page).hasSize(9);
            List<String> left = new ArrayList<>(expected);
            newest.forEach(n -> assertThat(left.remove(n))
                    .as("%s is a stored line, once", n)
                    .isTrue());
            assertThat(ts(left.get(left.size() - 1)))
                    .as("what the newest 9 left out is older or as old")
                    .isLessThanOrEqualTo(
                            newest.stream().mapToLong(KlLogsStoreTest::ts).min().orElseThrow());
        }
        KlRun.Result tooSmall = new KlRun.Result(0, "", "");
        try {
            new StorePager(client, 6).all(q, T0, end);
        } catch (KlException e) {
            tooSmall = new KlRun.Result(1, "", e.getMessage());
        }
        assertThat(tooSmall.err())
                .as("a page no bigger than the lines of one nanosecond cannot step past them")
                .startsWith("error: the log store holds 6 or more matching lines stamped ");
        // through kl, one page of 5000 and more
        KlRun.Result r = kl("-n", "shop", "logs", "-l", "app=many", "--all-containers", "--tail=-1");
        assertThat(r.out().lines().count()).isEqualTo(14);
    }

    @Test
    void followPrintsNewLinesOnceThroughTheTailAndSurvivesAReconnect() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> Kl.run(
                new String[] {"--server", api.url(), "-n", "shop", "logs", "-l", "app=tail", "--prefix", "-f"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC()));
        ingestAt("tail-0", "c", Map.of("app", "tail"), 0, new long[] {nanos(Instant.now())}, "before");
        t.start();
        try {
            Poll.until(
                    Duration.ofSeconds(20),
                    "the line before -f",
                    () -> out.toString(StandardCharsets.UTF_8),
                    o -> o.equals("[pod/tail-0/c] before\n"));
            ingestAt("tail-0", "c", Map.of("app", "tail"), 1, new long[] {nanos(Instant.now())}, "live");
            Poll.until(
                    Duration.ofSeconds(20),
                    "a live line through the tail",
                    () -> out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8),
                    o -> o.equals("[pod/tail-0/c] before\n[pod/tail-0/c] live\n"));

            // the store's API goes away under the open tail; a line arrives meanwhile; it comes back
            server.close();
            Poll.until(
                    Duration.ofSeconds(20),
                    "kl notices the dropped tail",
                    () -> err.toString(StandardCharsets.UTF_8),
                    e -> e.contains("reconnecting"));
            ingestAt("tail-0", "c", Map.of("app", "tail"), 2, new long[] {nanos(Instant.now())}, "while away");
            server = new LogStoreServer("127.0.0.1", storePort, store, Clock.systemUTC());
            server.start();
            Poll.until(
                    Duration.ofSeconds(30),
                    "the line written while away, after the reconnect",
                    () -> out.toString(StandardCharsets.UTF_8),
                    o -> o.equals("[pod/tail-0/c] before\n[pod/tail-0/c] live\n[pod/tail-0/c] while away\n"));
            ingestAt("tail-0", "c", Map.of("app", "tail"), 3, new long[] {nanos(Instant.now())}, "after");
            String expected = "[pod/tail-0/c] before\n[pod/tail-0/c] live\n[pod/tail-0/c] while away\n"
                    + "[pod/tail-0/c] after\n";
            Poll.until(
                    Duration.ofSeconds(20),
                    "a live line on the new tail",
                    () -> out.toString(StandardCharsets.UTF_8),
                    o -> o.equals(expected));
            Poll.holds(
                    Duration.ofSeconds(2),
                    "no line printed twice",
                    () -> assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected));
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .as("one line for the outage, no polling")
                    .hasLineCount(1)
                    .startsWith("Warning: following the log store interrupted (")
                    .doesNotContain("every second");
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertThat(t.isAlive()).as("kl -f ends when interrupted").isFalse();
    }

    @Test
    void droppedEntriesAreReadBackAndPrintedOnce() throws Exception {
        ingest("drop-0", "c", Map.of("app", "drop"), 0, new long[] {20, 21, 22}, "one", "two", "three");
        LogStoreClient client = new LogStoreClient(new ApiClient(api.url(), null, null));
        List<LokiLines.Line> stored = client.queryRange("{app=\"drop\"}", T0, nanos(Instant.now()), 10, true);
        assertThat(stored).extracting(LokiLines.Line::text).containsExactly("one", "two", "three");
        String labels = stored.get(0).labels();
        // the store's message when kl reads too slowly: "one" sent, "two" and "three" dropped
        String message = "{\"streams\":[{\"stream\":" + labels + ",\"values\":[[\""
                + stored.get(0).ts()
                + "\",\"one\"]]}],\"dropped_entries\":[{\"labels\":" + labels + ",\"timestamp\":\""
                + stored.get(1).ts() + "\"},{\"labels\":" + labels + ",\"timestamp\":\""
                + stored.get(2).ts()
                + "\"}]}";
        String again = "{\"streams\":[{\"stream\":" + labels + ",\"values\":[[\""
                + stored.get(2).ts() + "\",\"three\"]]}]}";
        var out = new ByteArrayOutputStream();
        KlContext ctx = new KlContext(
                () -> new KlContext.Flags(api.url(), null, null, null, null, false),
                System.in,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC());
        List<String> printed = new ArrayList<>();
        StoreTail tail =
                new StoreTail(ctx, client, "{app=\"drop\"}", l -> true, ls -> ls.forEach(l -> printed.add(l.text())));
        var events = new java.util.concurrent.LinkedBlockingQueue<StoreTail.Event>(
                List.of(new StoreTail.Message(message), new StoreTail.Message(again), new StoreTail.Closed("done")));
        assertThat(tail.pump(events, new FollowWindow())).isEqualTo("done");
        assertThat(printed).as("the dropped lines read back, none twice").containsExactly("one", "two", "three");
    }
}
