package io.kubelite.etcdlite;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * etcdlite: a single-node, persistent etcd v3 API server (KV, Watch, Lease, Maintenance
 * Status, Cluster MemberList) over gRPC. {@link #start} recovers the data dir and
 * serves; {@link #close} stops serving and closes the log.
 */
public final class EtcdLite implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdLite.class);

    /** Start-up settings; every field has etcd's (or a sensible) default. */
    public static final class Options {
        Path dataDir = Path.of("default.etcdlite");
        String host = "127.0.0.1";
        int port = 2379;
        long snapshotBytes = 64L << 20;
        long progressNotifyMillis = 10 * 60 * 1000;
        int maxRequestBytes = Backend.MAX_REQUEST_BYTES;
        String name = "default";

        public Options dataDir(Path p) {
            dataDir = p;
            return this;
        }

        /** {@code host:port}; port 0 picks a free one. */
        public Options listen(String hostPort) {
            int i = hostPort.lastIndexOf(':');
            if (i < 0) {
                throw new IllegalArgumentException("--listen wants host:port, got " + hostPort);
            }
            host = hostPort.substring(0, i).replaceFirst("^https?://", "");
            port = Integer.parseInt(hostPort.substring(i + 1));
            return this;
        }

        /** Log bytes after which a snapshot is written and older log segments dropped (0 = never). */
        public Options snapshotBytes(long n) {
            snapshotBytes = n;
            return this;
        }

        /** Interval of progress notifications to idle watchers that asked for them (etcd: 10 min). */
        public Options progressNotifyMillis(long ms) {
            progressNotifyMillis = ms;
            return this;
        }

        /**
         * etcd's {@code --max-request-bytes}: the largest put/txn accepted (gRPC takes 512 KiB
         * more for framing, as etcd) and the size at which watch responses are fragmented
         * for watchers that asked for it.
         */
        public Options maxRequestBytes(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("--max-request-bytes must be positive, got " + n);
            }
            maxRequestBytes = n;
            return this;
        }

        public Options name(String n) {
            name = n;
            return this;
        }
    }

    private final Backend backend;
    private final WatchHub watches;
    private final Server server;
    private final ScheduledExecutorService leaseTimer;

    private EtcdLite(Backend backend, WatchHub watches, Server server, ScheduledExecutorService leaseTimer) {
        this.backend = backend;
        this.watches = watches;
        this.server = server;
        this.leaseTimer = leaseTimer;
    }

    public static EtcdLite start(Options o) throws IOException {
        Backend be = new Backend(o.dataDir, o.snapshotBytes, o.maxRequestBytes);
        WatchHub hub = null;
        ScheduledExecutorService timer = null;
        try {
            hub = new WatchHub(be, o.progressNotifyMillis, o.maxRequestBytes);
            java.util.concurrent.atomic.AtomicInteger bound = new java.util.concurrent.atomic.AtomicInteger(o.port);
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress(o.host, o.port))
                    .maxInboundMessageSize(o.maxRequestBytes + 512 * 1024)
                    // etcd's enforcement policy (--grpc-keepalive-min-time 5s, PermitWithoutStream false): a
                    // client that pings too often, or pings an idle connection, gets GOAWAY too_many_pings
                    // here as it would from etcd, so etcdlite cannot hide a keepalive that etcd refuses
                    .permitKeepAliveTime(5, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(false)
                    .addService(new KvService(be))
                    .addService(hub.bindService())
                    .addService(LeaseLeases.addTo(new LeaseService(be).bindService(), be))
                    .addService(new MaintenanceService(be))
                    .addService(new ClusterService(be, o.name, () -> "http://" + o.host + ":" + bound.get()))
                    .build();
            server.start();
            bound.set(server.getPort());
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "etcdlite-lease-expiry");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(be::expireLeases, 250, 250, TimeUnit.MILLISECONDS);
            LOG.info("etcdlite serving the etcd v3 API on {}:{}", o.host, server.getPort());
            return new EtcdLite(be, hub, server, timer);
        } catch (IOException | RuntimeException e) {
            if (timer != null) {
                timer.shutdownNow();
            }
            if (hub != null) {
                hub.close();
            }
            be.close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** {@code 127.0.0.1:port}, as jetcd and etcdctl take it. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    /** Writes a snapshot now and drops the log before it (normally done by size). */
    public void snapshot() throws IOException {
        backend.snapshot();
    }

    @Override
    public void close() {
        leaseTimer.shutdownNow();
        server.shutdownNow();
        watches.close();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backend.close();
    }

    /** {@code etcdlite --data-dir D --listen 127.0.0.1:2379 [--snapshot-bytes N] [--progress-notify-interval-ms N] [--max-request-bytes N]} */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        EtcdLite e;
        try {
            e = start(parse(args));
        } catch (IllegalArgumentException | IOException | java.io.UncheckedIOException bad) {
            // a clear message, not a stack trace: a bad flag or a data dir that must not be served
            System.err.println("etcdlite: " + bad.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(e::close, "etcdlite-shutdown"));
        System.out.println("etcdlite ready on " + e.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }

    static final String USAGE = """
            Usage: etcdlite [--data-dir DIR] [--listen HOST:PORT] [--snapshot-bytes N]
                            [--progress-notify-interval-ms N] [--max-request-bytes N] [--name NAME]
            A single-node, persistent etcd v3 API server.
              --data-dir DIR                   log, snapshots and member ids (default.etcdlite)
              --listen HOST:PORT               gRPC address; port 0 picks a free one (127.0.0.1:2379)
              --snapshot-bytes N               log size that triggers a snapshot, 0 = never (67108864)
              --progress-notify-interval-ms N  progress notifications to idle watchers (600000)
              --max-request-bytes N            largest put/txn; watch fragmenting threshold - 512 KiB (1572864)
              --name NAME                      member name (default)""";

    private static long number(String flag, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " wants a whole number, got '" + v + "'");
        }
    }

    public static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v;
            String name = a;
            if (a.contains("=")) {
                name = a.substring(0, a.indexOf('='));
                v = a.substring(a.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                v = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
            switch (name) {
                case "--data-dir" -> o.dataDir(Path.of(v));
                case "--listen" -> o.listen(v);
                case "--snapshot-bytes" -> o.snapshotBytes(number(name, v));
                case "--progress-notify-interval-ms" -> o.progressNotifyMillis(number(name, v));
                case "--name" -> o.name(v);
                case "--max-request-bytes" -> o.maxRequestBytes((int) Math.min(Integer.MAX_VALUE, number(name, v)));
                default -> throw new IllegalArgumentException("unknown flag " + name);
            }
        }
        return o;
    }
}
