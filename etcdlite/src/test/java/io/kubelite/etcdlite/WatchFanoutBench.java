package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (a program, not a test): watch fan-out latency. {@code W} watchers on one key
 * prefix, spread over {@code S} gRPC connections with one Watch stream each (W/S watches
 * multiplexed per stream, as an API server fleet's etcd clients do), and one writer putting
 * at a steady rate with its {@link System#nanoTime()} in the value. Reports per-event
 * delivery latency (put sent → event received, so it includes the durable commit)
 * p50/p99/max over all watchers, for a real etcd and an etcdlite child process, both durable,
 * same run. Run: {@code java -cp <etcdlite test classpath> io.kubelite.etcdlite.WatchFanoutBench
 * [seconds=15] [watchers=1000] [streams=10] [puts/s=100] [both|etcd|etcdlite|host:port]}.
 */
public final class WatchFanoutBench {
    /** Histogram resolution: 10 µs buckets up to 10 s. */
    private static final long BUCKET_NANOS = 10_000;

    private static final int BUCKETS = 1_000_000;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int watchers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        String only = args.length > 4 ? args[4] : "both";
        Path dir = Files.createTempDirectory("watch-fanout-bench");
        String etcd = "not run";
        String lite = "not run";
        if (only.contains(":")) {
            // an already running server (e.g. an etcdlite under a profiler)
            System.out.println(only + ": " + run(only, -1, seconds, watchers, streams, rate));
            return;
        }
        if (!only.equals("etcdlite")) {
            try (ProcessEtcdCluster e = ProcessEtcdCluster.start(1)) {
                etcd = run(e.endpoints().get(0), e.pid(0), seconds, watchers, streams, rate);
            }
        }
        if (!only.equals("etcd")) {
            int port = FreePorts.next();
            try (LiteProcess l = LiteProcess.startForBenchmark(dir.resolve("lite"), port)) {
                lite = run("127.0.0.1:" + port, l.pid(), seconds, watchers, streams, rate);
            }
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        System.out.printf(
                "%ncores: %d, load average at end: %s; %d watchers over %d streams, %d puts/s for %d s%n",
                Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim(),
                watchers,
                streams,
                rate,
                seconds);
        System.out.printf("%-9s %s%n%-9s %s%n", "etcd", etcd, "etcdlite", lite);
    }

    /** One stream's watches; callbacks of one call are serialised, so its histogram needs no lock. */
    private static final class StreamRecorder implements StreamObserver<WatchResponse> {
        final long[] histogram = new long[BUCKETS];
        final CountDownLatch created;
        volatile long measureFromNanos = Long.MAX_VALUE;
        long max;
        long events;
        /** Worst latency per second of write time since the measurement started. */
        final long[] maxPerSecond = new long[3600];

        StreamRecorder(CountDownLatch created) {
            this.created = created;
        }

        @Override
        public void onNext(WatchResponse r) {
            if (r.getCreated()) {
                created.countDown();
            }
            long now = System.nanoTime();
            for (Event e : r.getEventsList()) {
                long written = e.getKv().getValue().asReadOnlyByteBuffer().getLong();
                if (written < measureFromNanos) {
                    continue; // warm-up
                }
                long lat = now - written;
                histogram[(int) Math.min(BUCKETS - 1, lat / BUCKET_NANOS)]++;
                max = Math.max(max, lat);
                int sec = (int) Math.min(maxPerSecond.length - 1, (written - measureFromNanos) / 1_000_000_000L);
                maxPerSecond[sec] = Math.max(maxPerSecond[sec], lat);
                events++;
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!(t instanceof io.grpc.StatusRuntimeException s
                    && s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
                    && String.valueOf(s.getStatus().getDescription()).contains("shutdownNow"))) {
                System.err.println("watch stream failed: " + t);
            }
        }

        @Override
        public void onCompleted() {}
    }

    /** CPU time the server process has used so far, in ns (0 when unknown). */
    private static long cpuNanos(long pid) {
        return pid < 0
                ? 0
                : ProcessHandle.of(pid)
                        .flatMap(h -> h.info().totalCpuDuration())
                        .map(Duration::toNanos)
                        .orElse(0L);
    }

    private static String run(String endpoint, long pid, int seconds, int watchers, int streams, int rate)
            throws Exception {
        List<GrpcChannel> channels = new ArrayList<>();
        List<StreamRecorder> recorders = new ArrayList<>();
        List<StreamObserver<WatchRequest>> requests = new ArrayList<>();
        CountDownLatch created = new CountDownLatch(watchers);
        ByteString prefix = ByteString.copyFromUtf8("/fanout/");
        ByteString end = ByteString.copyFromUtf8("/fanout0");
        try (GrpcChannel writerChannel = new GrpcChannel(endpoint)) {
            for (int s = 0; s < streams; s++) {
                GrpcChannel ch = new GrpcChannel(endpoint);
                channels.add(ch);
                StreamRecorder rec = new StreamRecorder(created);
                recorders.add(rec);
                StreamObserver<WatchRequest> req = WatchGrpc.newStub(ch.channel).watch(rec);
                requests.add(req);
                for (int w = s; w < watchers; w += streams) {
                    req.onNext(WatchRequest.newBuilder()
                            .setCreateRequest(WatchCreateRequest.newBuilder()
                                    .setKey(prefix)
                                    .setRangeEnd(end))
                            .build());
                }
            }
            if (!created.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (watchers - created.getCount()) + " watches created");
            }
            // asynchronous puts at a fixed rate: the writer does not slow down when commits do
            var kv = KVGrpc.newStub(writerChannel.channel);
            AtomicLong putErrors = new AtomicLong();
            AtomicLong measuredPuts = new AtomicLong();
            java.util.Queue<Long> commits = new java.util.concurrent.ConcurrentLinkedQueue<>();
            abstract class Ack implements StreamObserver<io.etcd.jetcd.api.PutResponse> {}

            byte[] padding = new byte[256]; // a small object's worth of value after the timestamp
            long interval = 1_000_000_000L / rate;
            long warmup = 3_000_000_000L;
            long start = System.nanoTime();
            long measureFrom = start + warmup;
            recorders.forEach(r -> r.measureFromNanos = measureFrom);
            long cpuBefore = 0;
            boolean cpuTaken = false;
            long stopAt = measureFrom + seconds * 1_000_000_000L;
            long puts = 0;
            AtomicLong lateTicks = new AtomicLong();
            for (long next = start; next < stopAt; next += interval) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the writer, not waiting for a state
                } else if (wait < -interval) {
                    lateTicks.incrementAndGet();
                }
                long now = System.nanoTime();
                if (now >= measureFrom && !cpuTaken) {
                    cpuBefore = cpuNanos(pid);
                    cpuTaken = true;
                }
                if (now >= measureFrom) {
                    measuredPuts.incrementAndGet();
                }
                ByteBuffer v =
                        ByteBuffer.allocate(8 + padding.length).putLong(now).put(padding);
                kv.put(
                        PutRequest.newBuilder()
                                .setKey(ByteString.copyFromUtf8("/fanout/k" + (puts++ % 100)))
                                .setValue(ByteString.copyFrom(v.array()))
                                .build(),
                        new Ack() {
                            @Override
                            public void onNext(io.etcd.jetcd.api.PutResponse r) {
                                if (now >= measureFrom) {
                                    commits.add(System.nanoTime() - now);
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                putErrors.incrementAndGet();
                            }

                            @Override
                            public void onCompleted() {}
                        });
            }
            // let the last events arrive: every recorder has counted its share or 10 s pass
            long expected = measuredPuts.get() * watchers;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline
                    && recorders.stream().mapToLong(r -> r.events).sum() < expected) {
                TimeUnit.MILLISECONDS.sleep(50); // polling a counter with a deadline
            }
            double serverCpu = (cpuNanos(pid) - cpuBefore) / 1e9;
            long[] h = new long[BUCKETS];
            long[] perSecond = new long[seconds];
            long n = 0;
            long max = 0;
            for (StreamRecorder r : recorders) {
                synchronized (r) {
                    for (int i = 0; i < BUCKETS; i++) {
                        h[i] += r.histogram[i];
                    }
                    n += r.events;
                    max = Math.max(max, r.max);
                    for (int i = 0; i < seconds; i++) {
                        perSecond[i] = Math.max(perSecond[i], r.maxPerSecond[i]);
                    }
                }
            }
            long[] c = commits.stream().mapToLong(Long::longValue).sorted().toArray();
            String commit = c.length == 0
                    ? "no puts acknowledged"
                    : String.format(
                            "put ack p50 %.1f ms, p99 %.1f ms",
                            c[(int) (c.length * 0.5)] / 1e6, c[Math.min(c.length - 1, (int) (c.length * 0.99))] / 1e6);
            StringBuilder worst = new StringBuilder();
            for (long p : perSecond) {
                worst.append(worst.length() == 0 ? "" : " ").append(p / 1_000_000);
            }
            return String.format("worst ms per second [%s]; server CPU %.1f s; ", worst, serverCpu)
                    + commit
                    + String.format(
                            "; watch events %d of %d, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; writer late ticks %d, put errors %d",
                            n,
                            expected,
                            pct(h, n, 0.50),
                            pct(h, n, 0.99),
                            pct(h, n, 0.999),
                            max / 1e6,
                            lateTicks.get(),
                            putErrors.get());
        } finally {
            requests.forEach(r -> {
                try {
                    r.onCompleted();
                } catch (RuntimeException ignored) {
                    // stream already gone
                }
            });
            for (GrpcChannel c : channels) {
                c.close();
            }
        }
    }

    private static double pct(long[] h, long n, double q) {
        long target = (long) Math.ceil(n * q);
        long seen = 0;
        for (int i = 0; i < h.length; i++) {
            seen += h[i];
            if (seen >= target) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return Double.NaN;
    }
}
