package io.kubelite.etcdlite;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcdlite: a single-node, persistent etcd v3 API server (KV, Watch, Lease, Maintenance
 * Status, Cluster MemberList) over gRPC. {@link #start} recovers the data dir and
 * serves; {@link #close} stops serving and closes the log.
 */
public final class EtcdLite implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdLite.class);

    /** Start-up settings; every field has etcd's (or a sensible) default. */
    public static final class Options {
        static final String DEFAULT_DATA_DIR = "default.etcdlite";
        static final String DEFAULT_HOST = "127.0.0.1";
        static final int DEFAULT_PORT = 2379;
        static final String DEFAULT_LISTEN = DEFAULT_HOST + ":" + DEFAULT_PORT;
        static final long DEFAULT_SNAPSHOT_BYTES = 64L << 20;
        static final long DEFAULT_PROGRESS_NOTIFY_MILLIS = 10 * 60 * 1000;
        static final String DEFAULT_NAME = "default";

        Path dataDir = Path.of(DEFAULT_DATA_DIR);
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        long snapshotBytes = DEFAULT_SNAPSHOT_BYTES;
        long progressNotifyMillis = DEFAULT_PROGRESS_NOTIFY_MILLIS;
        int maxRequestBytes = Backend.MAX_REQUEST_BYTES;
        String name = DEFAULT_NAME;

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

    /** The command line, see {@link EtcdLiteMain}; launchers name this class. */
    public static void main(String[] args) {
        EtcdLiteMain.main(args);
    }

    /** Parses the command line's flags; a bad one is an {@link IllegalArgumentException} naming it. */
    public static Options parse(String[] args) {
        return EtcdLiteMain.parse(args);
    }
}
