package io.kubelite.apiserver.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.testing.JitWarmth;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's performance targets (issue 6, item 7), each next to the raw etcd
 * operation it rests on, measured in the same run on a throw-away etcd of its own:
 *
 * <ol>
 *   <li>mutating calls (pod create and PUT update over HTTP, alternating) at a steady rate
 *       → p50/p99 latency; raw etcd txns of the same shape (create: create_revision == 0 → put;
 *       update: mod_revision == rv → put; same value) at the same rate;</li>
 *   <li>N concurrent HTTP watchers on pods, held by a separate process ({@link WatchClientMain}, so
 *       the client's CPU is not the server's): per-event delivery latency from the write's
 *       acknowledgement (and from its send) to receipt by each watcher, next to a raw etcd watch
 *       on the same key receiving the same writes; etcd's own watcher gauge before and after, to
 *       show the server holds one etcd watch;</li>
 *   <li>a list of 10,000 pods from the watch cache ({@code resourceVersion=0}), next to a raw
 *       etcd range of the same 10,000 keys (and a quorum list through the API server).</li>
 * </ol>
 *
 * <p>Run (after {@code mvn -pl apiserver -am test-compile}): see docs/apiserver.md.
 * Options: {@code --rate 200 --seconds 30 --watchers 1000 --events 200 --list 10000 --parts abc --rounds 7
 * --csv FILE} (the rows of part b, {@code watchers,p50_ms,p99_ms,raw_etcd_p99_ms} from the write's ack, or of
 * part c, {@code case,median_ms,raw_etcd_range_ms,ratio}, appended to FILE).
 */
public final class ApiServerBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
    private static final int MAX_WARMUP_ROUNDS = 200;

    private ApiServerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rate = 200;
        int seconds = 30;
        int watchers = 1000;
        int events = 200;
        int listSize = 10_000;
        String parts = "abc";
        int rounds = 7;
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--watchers" -> watchers = Integer.parseInt(args[++i]);
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--list" -> listSize = Integer.parseInt(args[++i]);
                case "--parts" -> parts = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--csv" -> csv = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (csv != null && parts.contains("b") && parts.contains("c")) {
            throw new IllegalArgumentException("--csv takes the rows of one part: --parts b or --parts c");
        }
        // the throw-away etcd's data dir and log go with it on close
        try (ProcessEtcdCluster local = ProcessEtcdCluster.start(1);
                Etcd etcd = Etcd.connect(new EtcdConfig(local.endpoints(), "/registry", Duration.ofSeconds(30)));
                TestApiServer api = TestApiServer.start(
                        etcd,
                        // the watchers are one anonymous user: no --max-watches-per-user for them
                        ApiServerConfig.local().toBuilder()
                                .maxInFlight(4000)
                                .maxWatchesPerUser(0)
                                .build())) {
            System.out.printf(
                    "apiserver benchmark: %d cores (nproc), etcd %s (own, fsync on), apiserver %s%n",
                    Runtime.getRuntime().availableProcessors(), local.endpointsString(), api.url());
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4, daemon("http-client")))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            Bench b = new Bench(api, etcd, http, local, csv);
            for (String ns : List.of("bench", "warm", "watch", "big")) {
                b.store
                        .of(NamespaceKind.RESOURCE)
                        .create(Namespace.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setName(ns))
                                .build())
                        .join();
            }
            b.mutations("warm", rate, 5, false);
            if (parts.contains("a")) {
                b.mutations("bench", rate, seconds, true);
            }
            if (parts.contains("b")) {
                b.watchers(watchers, events);
            }
            if (parts.contains("c")) {
                b.list(listSize, rounds);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static final class Bench {
        final TestApiServer api;
        final Etcd etcd;
        final Store store;
        final HttpClient http;
        final ProcessEtcdCluster local;
        /** Where a part's CSV rows go, or null. */
        final Path csvFile;

        final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("ticker"));

        Bench(TestApiServer api, Etcd etcd, HttpClient http, ProcessEtcdCluster local, Path csvFile) {
            this.csvFile = csvFile;
            this.api = api;
            this.etcd = etcd;
            this.store = new Store(etcd);
            this.http = http;
            this.local = local;
        }

        // ------------------------------------------------------------------ (a) mutations

        void mutations(String ns, int rate, int seconds, boolean print) throws Exception {
            int n = rate * seconds;
            List<CompletableFuture<String>> created = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                created.add(new CompletableFuture<>());
            }
            // even ticks create pod k, odd ticks PUT pod k with a label changed (the object the create returned)
            Lat http = paced(rate, n, i -> {
                int k = i / 2;
                if (i % 2 == 0) {
                    return send("POST", "/api/v1/namespaces/" + ns + "/pods", podJson(ns, "p-" + k), 201)
                            .thenApply(body -> {
                                created.get(k).complete(body);
                                return null;
                            });
                }
                return created.get(k).thenCompose(body -> {
                    long t0 = System.nanoTime();
                    return send("PUT", "/api/v1/namespaces/" + ns + "/pods/p-" + k, relabel(body), 200)
                            .thenApply(x -> System.nanoTime() - t0);
                });
            });
            // the same shape on raw etcd: txn create / txn update on the same value, same rate
            Pod sample = store.of(PodKind.RESOURCE).get(ns, "p-0").join();
            byte[] value = ObjectCodec.encode(PodKind.RESOURCE, sample);
            KV kv = etcd.client().getKVClient();
            long[] revs = new long[n];
            List<CompletableFuture<Long>> rawCreated = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rawCreated.add(new CompletableFuture<>());
            }
            Lat raw = paced(rate, n, i -> {
                int k = i / 2;
                ByteSequence key = bs("/registry/_kubelite/bench-raw/" + ns + "/p-" + k);
                if (i % 2 == 0) {
                    return kv.txn()
                            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                            .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                            .Else(Op.get(key, GetOption.DEFAULT))
                            .commit()
                            .thenApply(r -> {
                                rawCreated.get(k).complete(r.getHeader().getRevision());
                                return null;
                            });
                }
                return rawCreated.get(k).thenCompose(rev -> {
                    long t0 = System.nanoTime();
                    return kv.txn()
                            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
                            .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                            .Else(Op.get(key, GetOption.DEFAULT))
                            .commit()
                            .thenApply(r -> {
                                if (!r.isSucceeded()) {
                                    throw new IllegalStateException("raw update lost its compare");
                                }
                                return System.nanoTime() - t0;
                            });
                });
            });
            if (print) {
                System.out.printf(
                        "%n(a) mutating calls at %d/s for %d s (%d calls: pod create and PUT update alternating), "
                                + "value %d bytes%n",
                        rate, seconds, n, value.length);
                System.out.printf("    %-26s %9s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms", "max ms");
                http.print("    HTTP (apiserver)");
                raw.print("    raw etcd txn");
                System.out.printf(
                        "    ratio p50 %.2f, p99 %.2f; achieved rate HTTP %.0f/s, raw %.0f/s%n",
                        http.p(50) / raw.p(50), http.p(99) / raw.p(99), http.achievedRate, raw.achievedRate);
            }
        }

        /** Sends op(i) at {@code rate}/s, open loop; each op's latency from its send to its completion. */
        Lat paced(int rate, int n, IntFunction<CompletableFuture<Long>> op) throws Exception {
            long[] lat = new long[n];
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            var f = ticker.scheduleAtFixedRate(
                    () -> {
                        int i = next.getAndIncrement();
                        if (i >= n) {
                            return;
                        }
                        long t0 = System.nanoTime();
                        op.apply(i).whenComplete((own, err) -> {
                            if (err != null) {
                                errors.incrementAndGet();
                                System.err.println("op " + i + " failed: " + err);
                            }
                            // an op that waited for its predecessor reports its own send-to-done time
                            lat[i] = own != null ? own : System.nanoTime() - t0;
                            done.countDown();
                        });
                    },
                    0,
                    periodNanos,
                    TimeUnit.NANOSECONDS);
            if (!done.await(n / rate + 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ops did not finish");
            }
            f.cancel(false);
            if (errors.get() > 0) {
                throw new IllegalStateException(errors.get() + " ops failed");
            }
            return new Lat(lat, n / ((System.nanoTime() - start) / 1e9));
        }

        CompletableFuture<String> send(String method, String path, String body, int expect) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(api.url() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                if (r.statusCode() != expect) {
                    throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
                }
                return r.body();
            });
        }

        // ------------------------------------------------------------------ (b) watchers

        void watchers(int count, int events) throws Exception {
            send("POST", "/api/v1/namespaces/watch/pods", podJson("watch", "w-0"), 201)
                    .join();
            String rv = JSON.readTree(send(
                                    "PUT",
                                    "/api/v1/namespaces/watch/pods/w-0",
                                    relabel(api.get("/api/v1/namespaces/watch/pods/w-0")
                                            .body()),
                                    200)
                            .join())
                    .path("metadata")
                    .path("resourceVersion")
                    .asText();
            double etcdWatchersBefore = etcdMetric("etcd_debugging_mvcc_watcher_total");
            // the raw figure: one etcd watch on the same key, receiving the same writes in this process
            Map<Long, Long> rawReceived = new ConcurrentHashMap<>();
            Watch.Watcher raw = etcd.client()
                    .getWatchClient()
                    .watch(
                            bs("/registry/pods/watch/w-0"),
                            WatchOption.builder()
                                    .withRevision(Long.parseLong(rv) + 1)
                                    .build(),
                            resp -> {
                                long now = System.nanoTime();
                                for (var ev : resp.getEvents()) {
                                    rawReceived.put(ev.getKeyValue().getModRevision(), now);
                                }
                            });
            // the HTTP watchers live in their own process (same java, same classpath)
            URI u = URI.create(api.url());
            Path dump = Files.createTempFile("kubelite-watch-client", ".bin");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process client = new ProcessBuilder(
                            javaBin,
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            WatchClientMain.class.getName(),
                            u.getHost(),
                            Integer.toString(u.getPort()),
                            "/api/v1/namespaces/watch/pods?watch=1&resourceVersion=" + rv,
                            Integer.toString(count),
                            dump.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                ClientOutput progress = new ClientOutput(client);
                io.kubelite.store.testing.Poll.until(
                        Duration.ofSeconds(120), "watchers opened", () -> progress.opened.get() == count);
                io.kubelite.store.testing.Poll.until(
                        Duration.ofSeconds(60),
                        "watchers registered",
                        () -> api.get("/metrics")
                                .body()
                                .contains("apiserver_registered_watchers{resource=\"pods\"} " + count + ".0"));
                double etcdWatchersOpen = etcdMetric("etcd_debugging_mvcc_watcher_total");
                // writes: merge patches of one pod at 20/s; ack = the HTTP response
                Map<Long, long[]> sentAck = new ConcurrentHashMap<>();
                int rate = 20;
                // CPU time is less at the mercy of other load on the machine than latency
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long[] ticks0 = userSysTicks();
                long clientCpu0 = clientCpu(client);
                Lat writes = paced(rate, events, i -> {
                    long t0 = System.nanoTime();
                    return sendPatch(
                                    "/api/v1/namespaces/watch/pods/w-0",
                                    "{\"metadata\":{\"labels\":{\"seq\":\"" + i + "\"}}}")
                            .thenApply(body -> {
                                long ack = System.nanoTime();
                                Matcher m = RV.matcher(body);
                                if (!m.find()) {
                                    throw new IllegalStateException("no resourceVersion in " + body);
                                }
                                sentAck.put(Long.parseLong(m.group(1)), new long[] {t0, ack});
                                return ack - t0;
                            });
                });
                long expected = (long) count * events;
                io.kubelite.store.testing.Poll.until(
                        Duration.ofSeconds(120), "all events delivered", () -> progress.received.get() >= expected);
                long serverCpu = os.getProcessCpuTime() - cpu0;
                long[] ticks1 = userSysTicks();
                long clientCpu = clientCpu(client) - clientCpu0;
                long total = progress.dump(dump);
                if (total != expected) {
                    throw new IllegalStateException("watchers got " + total + " events, expected " + expected);
                }
                long[] fromAck = new long[(int) expected];
                long[] fromSend = new long[(int) expected];
                long[] fromRaw = new long[(int) expected];
                int beforeAck = 0;
                try (var in = new java.io.DataInputStream(
                        new java.io.BufferedInputStream(Files.newInputStream(dump), 1 << 20))) {
                    for (int j = 0; j < expected; j++) {
                        long rev = in.readLong();
                        long[] w = sentAck.get(rev);
                        long t = in.readLong();
                        Long r = rawReceived.get(rev);
                        if (w == null || r == null) {
                            throw new IllegalStateException("a watcher got revision " + rev + " that the writer or the "
                                    + "raw watch did not see");
                        }
                        fromRaw[j] = Math.max(0, t - r);
                        fromSend[j] = t - w[0];
                        fromAck[j] = Math.max(0, t - w[1]);
                        if (t < w[1]) {
                            beforeAck++;
                        }
                    }
                }
                long[] rawAck = new long[events];
                long[] rawSend = new long[events];
                int k = 0;
                for (Map.Entry<Long, long[]> e : sentAck.entrySet()) {
                    Long t = rawReceived.get(e.getKey());
                    if (t == null) {
                        throw new IllegalStateException("raw etcd watch missed revision " + e.getKey());
                    }
                    rawSend[k] = t - e.getValue()[0];
                    rawAck[k++] = Math.max(0, t - e.getValue()[1]);
                }
                System.out.printf(
                        "%n(b) %d HTTP watchers on pods (own process, NIO), %d updates at %d/s = %d deliveries%n",
                        count, events, rate, expected);
                System.out.printf("    %-26s %9s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms", "max ms");
                new Lat(fromAck, 0).print("    write ack -> watcher");
                new Lat(fromSend, 0).print("    write send -> watcher");
                new Lat(rawAck, 0).print("    write ack -> raw etcd watch");
                new Lat(fromRaw, 0).print("    raw etcd watch -> watcher");
                new Lat(rawSend, 0).print("    write send -> raw etcd watch");
                writes.print("    the writes themselves");
                System.out.printf(
                        "    CPU while writing and delivering: API server process (with etcd client and writer) %.0f ms"
                                + " = %.1f us per delivery; watcher client process %.0f ms%n",
                        serverCpu / 1e6, serverCpu / 1e3 / expected, clientCpu / 1e6);
                if (ticks0 != null && ticks1 != null) {
                    System.out.printf(
                            "    of which user %d%%, kernel %d%% (/proc/self/stat; a loopback send also runs the "
                                    + "receiver's TCP input in the sender's system time)%n",
                            100 * (ticks1[0] - ticks0[0]) / Math.max(1, ticks1[0] - ticks0[0] + ticks1[1] - ticks0[1]),
                            100 * (ticks1[1] - ticks0[1]) / Math.max(1, ticks1[0] - ticks0[0] + ticks1[1] - ticks0[1]));
                }
                Csv.append(
                        csvFile,
                        "watchers,p50_ms,p99_ms,raw_etcd_p99_ms",
                        String.format(
                                java.util.Locale.ROOT,
                                "%d,%.2f,%.2f,%.2f%n",
                                count,
                                new Lat(fromAck, 0).p(50),
                                new Lat(fromAck, 0).p(99),
                                new Lat(rawAck, 0).p(99)));
                System.out.printf(
                        "    %d deliveries (%.1f%%) arrived before the writer saw its ack (counted as 0 from ack)%n",
                        beforeAck, 100.0 * beforeAck / expected);
                System.out.printf(
                        "    etcd watchers (etcd_debugging_mvcc_watcher_total): %.0f before the %d HTTP watchers, "
                                + "%.0f with them open (+1: the raw watch) -> %s%n",
                        etcdWatchersBefore,
                        count,
                        etcdWatchersOpen,
                        etcdWatchersOpen == etcdWatchersBefore + 1
                                ? "no etcd watch per HTTP watcher (one per resource)"
                                : "CHANGED");
            } finally {
                raw.close();
                client.destroy();
                client.waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(dump);
            }
        }

        /** This process's user and system CPU ticks, or null where /proc is missing. */
        private static long[] userSysTicks() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after the command: state is field 3, utime 14 and stime 15 (1-based) -> indexes 11, 12
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
            } catch (Exception e) {
                return null;
            }
        }

        private static long clientCpu(Process p) {
            return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        /** Reads the watcher client's stdout: how many connections are open, how many events arrived. */
        static final class ClientOutput {
            final AtomicLong opened = new AtomicLong();
            final AtomicLong received = new AtomicLong();
            final CompletableFuture<Long> dumped = new CompletableFuture<>();
            private final Process process;

            ClientOutput(Process process) {
                this.process = process;
                Thread t = new Thread(
                        () -> {
                            try (var r = new java.io.BufferedReader(
                                    new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                                String l;
                                while ((l = r.readLine()) != null) {
                                    String[] f = l.trim().split(" ");
                                    long v = f.length == 2 ? Long.parseLong(f[1]) : -1;
                                    switch (f[0]) {
                                        case "opened" -> opened.set(v);
                                        case "received" -> received.set(v);
                                        case "dumped" -> dumped.complete(v);
                                        default -> System.err.println("watch client: " + l);
                                    }
                                }
                            } catch (Exception e) {
                                dumped.completeExceptionally(e);
                            }
                            dumped.completeExceptionally(new IllegalStateException("watch client exited"));
                        },
                        "watch-client-output");
                t.setDaemon(true);
                t.start();
            }

            /** Asks the client to write its receipts; returns how many it wrote. */
            long dump(Path file) throws Exception {
                process.getOutputStream().write("dump\n".getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
                return dumped.get(60, TimeUnit.SECONDS);
            }
        }

        CompletableFuture<String> sendPatch(String path, String body) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(api.url() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("PATCH " + path + " -> " + r.statusCode() + " " + r.body());
                }
                return r.body();
            });
        }

        double etcdMetric(String name) throws Exception {
            String text = http.send(
                            HttpRequest.newBuilder(URI.create("http://"
                                            + local.endpointsString().replaceFirst("^https?://", "") + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String l : text.split("\n")) {
                if (l.startsWith(name + " ")) {
                    return Double.parseDouble(l.substring(name.length() + 1).trim());
                }
            }
            throw new IllegalStateException("etcd has no metric " + name);
        }

        // ------------------------------------------------------------------ (c) list

        void list(int size, int rounds) throws Exception {
            ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
            Pod template = pods.get("warm", "p-0").join();
            double before = cachedPods();
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                inFlight.acquire();
                Pod p = template.toBuilder()
                        .setMetadata(template.getMetadata().toBuilder()
                                .clearUid()
                                .clearResourceVersion()
                                .setNamespace("big")
                                .setName(String.format("big-%05d", i)))
                        .build();
                all.add(pods.create(p).whenComplete((x, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            io.kubelite.store.testing.Poll.until(
                    Duration.ofSeconds(60), "cache has the pods", () -> cachedPods() >= before + size);
            String path = "/api/v1/namespaces/big/pods";
            KV kv = etcd.client().getKVClient();
            ByteSequence prefix = bs("/registry/pods/big/");
            // the cases, interleaved round by round so that the machine's load falls on all alike
            List<ListCase> cases = List.of(
                    new ListCase("cache-rv0-json", path + "?resourceVersion=0", "application/json", rounds),
                    new ListCase(
                            "cache-rv0-protobuf",
                            path + "?resourceVersion=0",
                            "application/vnd.kubernetes.protobuf, application/json",
                            rounds),
                    new ListCase("consistent-json", path, "application/json", rounds),
                    new ListCase(
                            "consistent-protobuf",
                            path,
                            "application/vnd.kubernetes.protobuf, application/json",
                            rounds),
                    new ListCase("etcd-json", path + "?limit=" + (size * 2), "application/json", Math.min(rounds, 4)));
            long[] raw = new long[rounds];
            long[] rawCpu = new long[rounds];
            // round 0, repeated until the JIT compilers are quiet, is the warm-up: with a single
            // round the next 60 still got faster on both sides (raw range 46 -> 34 ms, cache 26 -> 16)
            int warmupRounds = 0;
            double jitShare;
            do {
                JitWarmth round = JitWarmth.start();
                listRound(0, size, kv, prefix, raw, rawCpu, cases, warmupRounds == 0);
                jitShare = round.share();
                warmupRounds++;
            } while (jitShare > JitWarmth.QUIET_SHARE && warmupRounds < MAX_WARMUP_ROUNDS);
            System.out.printf(
                    "%nwarm-up: %d round(s); the JIT compilers took %.0f %% of this JVM's CPU in the last%n",
                    warmupRounds, jitShare * 100);
            long rawBytes = 0;
            for (int round = 1; round < rounds; round++) {
                rawBytes = listRound(round, size, kv, prefix, raw, rawCpu, cases, true);
            }
            System.out.printf("(c) list of %d pods, median [min] of %d after the warm-up%n", size, rounds - 1);
            System.out.printf(
                    "    %-19s %10s ms [%6s]  %5.1f MB (keys and values)  this JVM's CPU %s ms per list (mean)%n",
                    "raw etcd range", fmt(med(raw)), fmt(min(raw)), rawBytes / 1e6, fmt(mean(rawCpu)));
            StringBuilder csv = new StringBuilder();
            for (ListCase c : cases) {
                double ratio = med(c.nanos) / med(raw);
                System.out.printf(
                        "    %-19s %10s ms [%6s]  %5.1f MB  ratio to raw %.2f  this JVM's CPU %s ms, heap allocated %.1f MB%n",
                        c.name,
                        fmt(med(c.nanos)),
                        fmt(min(c.nanos)),
                        c.bytes / 1e6,
                        ratio,
                        fmt(mean(c.cpu)),
                        mean(c.alloc));
                csv.append(String.format(
                        java.util.Locale.ROOT, "%s,%.2f,%.2f,%.3f%n", c.name, med(c.nanos), med(raw), ratio));
            }
            encodeCost(pods.list(new io.kubelite.store.ListOptions<>("big", p -> true, 0, 0, ""))
                    .join()
                    .items());
            Csv.append(csvFile, "case,median_ms,raw_etcd_range_ms,ratio", csv.toString());
        }

        /**
         * One round: the raw range, then every case that still has rounds to run ({@code
         * withSlow}: also those with fewer rounds than the others, the etcd list). Returns the raw
         * range's bytes.
         */
        private long listRound(
                int round,
                int size,
                KV kv,
                ByteSequence prefix,
                long[] raw,
                long[] rawCpu,
                List<ListCase> cases,
                boolean withSlow)
                throws Exception {
            long t0 = System.nanoTime();
            long c0 = JitWarmth.processCpuNanos();
            var g = kv.get(prefix, GetOption.builder().isPrefix(true).build()).get(60, TimeUnit.SECONDS);
            raw[round] = System.nanoTime() - t0;
            rawCpu[round] = JitWarmth.processCpuNanos() - c0;
            if (g.getKvs().size() != size) {
                throw new IllegalStateException(
                        "raw range returned " + g.getKvs().size());
            }
            for (ListCase c : cases) {
                if (round < c.nanos.length && (withSlow || c.nanos.length == raw.length)) {
                    c.run(round, size);
                }
            }
            return g.getKvs().stream()
                    .mapToLong(x -> x.getKey().size() + x.getValue().size())
                    .sum();
        }

        /** The items of a {@code <Kind>List} in Kubernetes' protobuf: k8s\0, runtime.Unknown {raw = 2 {items = 2}}. */
        private static int protobufItems(byte[] body) throws java.io.IOException {
            var in = com.google.protobuf.CodedInputStream.newInstance(body, 4, body.length - 4);
            int n = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == (2 << 3 | 2)) {
                    var raw = in.readBytes().newCodedInput();
                    for (int t = raw.readTag(); t != 0; t = raw.readTag()) {
                        if (t == (2 << 3 | 2)) {
                            n++;
                        }
                        raw.skipField(t);
                    }
                } else {
                    in.skipField(tag);
                }
            }
            return n;
        }

        /** Encoding the pods' list items once, each way, in this process: what a cache entry's encoding costs. */
        private void encodeCost(List<Pod> items) {
            long[] json = new long[6];
            long[] proto = new long[6];
            long jsonBytes = 0;
            long protoBytes = 0;
            for (int round = 0; round < json.length; round++) {
                long t0 = System.nanoTime();
                long b = 0;
                for (Pod p : items) {
                    b += io.kubelite.apiserver.Codec.item(p).length;
                }
                json[round] = System.nanoTime() - t0;
                jsonBytes = b;
                t0 = System.nanoTime();
                b = 0;
                for (Pod p : items) {
                    b += io.kubelite.apiserver.KubeProtobufEncoder.message(p).length;
                }
                proto[round] = System.nanoTime() - t0;
                protoBytes = b;
            }
            System.out.printf(
                    "    encoding the %d items once (what the cache does per revision): JSON %s ms, %.1f MB;"
                            + " protobuf %s ms, %.1f MB (median of 5 after a warm-up)%n",
                    items.size(), fmt(med(json)), jsonBytes / 1e6, fmt(med(proto)), protoBytes / 1e6);
        }

        private static String fmt(double ms) {
            return String.format(java.util.Locale.ROOT, "%.1f", ms);
        }

        /** One way of listing the pods over HTTP and its timings. */
        final class ListCase {
            final String name;
            final String path;
            final String accept;
            final long[] nanos;
            /** CPU time of this whole JVM (server and client) over the request: independent of the machine's load. */
            final long[] cpu;
            /** Heap allocated by all of this JVM's threads over the request (server and client). */
            final long[] alloc;

            long bytes;

            ListCase(String name, String path, String accept, int rounds) {
                this.name = name;
                this.path = path;
                this.accept = accept;
                this.nanos = new long[rounds];
                this.cpu = new long[rounds];
                this.alloc = new long[rounds];
            }

            void run(int round, int size) throws Exception {
                long t0 = System.nanoTime();
                long c0 = JitWarmth.processCpuNanos();
                long a0 = allocatedBytes();
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(api.url() + path))
                                .header("Accept", accept)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                nanos[round] = System.nanoTime() - t0;
                cpu[round] = JitWarmth.processCpuNanos() - c0;
                alloc[round] = allocatedBytes() - a0;
                bytes = r.body().length;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(name + ": " + r.statusCode());
                }
                if (round == 0) {
                    boolean protobuf = accept.startsWith("application/vnd.kubernetes.protobuf");
                    String type = r.headers().firstValue("Content-Type").orElse("");
                    if (protobuf != type.equals("application/vnd.kubernetes.protobuf")) {
                        throw new IllegalStateException(name + ": Content-Type " + type);
                    }
                    int items = protobuf
                            ? protobufItems(r.body())
                            : JSON.readTree(r.body()).path("items").size();
                    if (items != size) {
                        throw new IllegalStateException(name + " returned " + items + " items");
                    }
                }
            }
        }

        /** Heap bytes allocated so far by this JVM's live threads (the server's workers and event loops persist). */
        private static long allocatedBytes() {
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                sum += Math.max(0, b);
            }
            return sum;
        }

        /** The pods watch cache's size, from the API server's metrics. */
        double cachedPods() {
            for (String l : api.get("/metrics").body().split("\n")) {
                if (l.startsWith("apiserver_watch_cache_objects{resource=\"pods\"}")) {
                    return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        }

        /** The mean after the warm-up round: the CPU clock ticks in 10 ms, a list's CPU is a few of them. */
        private static double mean(long[] a) {
            return Arrays.stream(a, 1, a.length).sum() / (a.length - 1) / 1e6;
        }

        private static double med(long[] a) {
            long[] b = Arrays.copyOfRange(a, 1, a.length);
            Arrays.sort(b);
            return b[b.length / 2] / 1e6;
        }

        private static double min(long[] a) {
            return Arrays.stream(a, 1, a.length).min().orElse(0) / 1e6;
        }
    }

    /** Appends a benchmark's rows to its CSV file (docs/benchmarks/*.csv), with the header when the file is new. */
    static final class Csv {
        private Csv() {}

        static void append(Path file, String header, String rows) throws java.io.IOException {
            if (file == null) {
                return;
            }
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            Files.writeString(
                    file,
                    (fresh ? header + "\n" : "") + rows,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            System.out.println("    rows appended to " + file);
        }
    }

    /** Latencies in nanoseconds. */
    static final class Lat {
        final long[] sorted;
        final double achievedRate;

        Lat(long[] nanos, double achievedRate) {
            this.sorted = nanos.clone();
            Arrays.sort(sorted);
            this.achievedRate = achievedRate;
        }

        double p(double pct) {
            int i = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }

        void print(String label) {
            System.out.printf(
                    "%-30s %9.2f %9.2f %9.2f %9.2f%n", label, p(50), p(90), p(99), sorted[sorted.length - 1] / 1e6);
        }
    }

    static String podJson(String ns, String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
                + "\",\"labels\":{\"app\":\"bench\",\"pod-template-hash\":\"5d8f9c7b6\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"app\",\"image\":\"nginx:1.27\",\"resources\":{\"requests\":{\"cpu\":\"100m\","
                + "\"memory\":\"128Mi\"}}}]}}";
    }

    static String relabel(String body) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(body);
            ((ObjectNode) o.path("metadata").path("labels")).put("updated", "true");
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
