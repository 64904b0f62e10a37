package io.kubelite.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kubelite.store.encryption.StorageEncryption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * One connection to an etcd cluster, shared by everything in a process: the jetcd
 * client, the key prefix, and the per-call deadline jetcd itself lacks.
 *
 * <p>{@link #call} is the single choke point through which the store reaches etcd: it
 * bounds every call by the configured deadline and translates transport failures into
 * {@link UnavailableException}. Closing is idempotent.
 */
public final class Etcd implements AutoCloseable {
    private final EtcdConfig config;
    private final StorageEncryption encryption;
    private final Client client;
    private volatile boolean closed;
    private volatile EtcdRequestMetrics requestMetrics = EtcdRequestMetrics.NONE;

    private Etcd(EtcdConfig config, StorageEncryption encryption, Client client) {
        this.config = config;
        this.encryption = encryption;
        this.client = client;
    }

    /** As {@link #connect(EtcdConfig, StorageEncryption)}, storing every value as it is. */
    public static Etcd connect(EtcdConfig config) {
        return connect(config, StorageEncryption.NONE);
    }

    /**
     * Builds a client for the endpoints; does not wait for etcd to answer. The KV, watch and
     * lease clients are created here, not on first use: the first creation in a JVM loads
     * and starts gRPC and Netty (about a second on a busy 2-core machine), which would
     * otherwise block the caller of the first {@link #call} and eat its deadline.
     *
     * <p>Keepalive fits etcd's enforcement policy: etcd (grpc-go) accepts a ping at most
     * every 5 s ({@code --grpc-keepalive-min-time}) and, on a connection without an active
     * stream, none at all ({@code PermitWithoutStream} is false and not configurable): three
     * such pings earn a GOAWAY {@code too_many_pings}, which drops every call on that
     * connection. So pings are sent every 10 s, and only while calls or watches are open;
     * an idle connection is checked by its next call instead.
     *
     * <p>With {@link EtcdConfig#tls()} the connection is TLS (endpoints without a scheme get
     * {@code https://}); unreadable certificate or key files fail here with
     * {@link IllegalArgumentException} naming the flag. With {@link EtcdConfig#credentials()}
     * jetcd authenticates and renews its token by itself. {@code encryption} is applied by
     * every read and write of objects through this connection ({@link #encryption()}).
     */
    public static Etcd connect(EtcdConfig config, StorageEncryption encryption) {
        java.util.Objects.requireNonNull(encryption, "encryption");
        String scheme = config.tls() == null ? "http://" : "https://";
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().stream()
                        .map(e -> withScheme(e, scheme))
                        .toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(3))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .keepaliveWithoutCalls(false)
                .retryMaxDuration(config.requestTimeout())
                .retryDelay(100)
                .retryMaxDelay(1000)
                .maxInboundMessageSize(64 * 1024 * 1024);
        if (config.tls() != null) {
            try {
                b.sslContext(ssl -> EtcdTlsFiles.configure(config.tls(), ssl));
            } catch (SSLException e) {
                throw new IllegalArgumentException("etcd TLS settings cannot be used: " + e.getMessage(), e);
            }
        }
        if (config.credentials() != null) {
            b.user(bytes(config.credentials().username()))
                    .password(bytes(config.credentials().password()));
        }
        Client client = b.build();
        client.getKVClient();
        client.getWatchClient();
        client.getLeaseClient();
        return new Etcd(config, encryption, client);
    }

    private static String withScheme(String endpoint, String scheme) {
        String e = endpoint.trim();
        return e.contains("://") ? e : scheme + e;
    }

    /** How values are encrypted at rest on their way to and from etcd (kube's EncryptionConfiguration). */
    public StorageEncryption encryption() {
        return encryption;
    }

    public EtcdConfig config() {
        return config;
    }

    public String prefix() {
        return config.prefix();
    }

    public Duration requestTimeout() {
        return config.requestTimeout();
    }

    /** The underlying jetcd client, for the few callers (watch, lease) that need it directly. */
    public Client client() {
        return client;
    }

    public static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** Where {@link #call(String, String, String, Supplier)} records request latencies from now on. */
    public void recordRequests(EtcdRequestMetrics metrics) {
        this.requestMetrics = java.util.Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * As {@link #call(String, Supplier)}, also recording the request's latency as
     * {@code etcd_request_duration_seconds{operation, type}} ({@link EtcdRequestMetrics}).
     */
    public <T> CompletableFuture<T> call(String operation, String type, String key, Supplier<CompletableFuture<T>> op) {
        long start = System.nanoTime();
        EtcdRequestMetrics m = requestMetrics;
        return call(key, op).whenComplete((v, err) -> m.record(operation, type, System.nanoTime() - start));
    }

    /**
     * Runs one etcd call under the request deadline. Transport failures, deadline
     * expiry and gRPC errors become {@link UnavailableException} naming {@code key};
     * {@link StoreException}s pass through unchanged.
     */
    public <T> CompletableFuture<T> call(String key, Supplier<CompletableFuture<T>> op) {
        return call(key, config.requestTimeout(), op);
    }

    /**
     * As {@link #call(String, Supplier)} with an explicit deadline, which counts from this
     * call: time {@code op} spends before it returns its future is part of it.
     */
    public <T> CompletableFuture<T> call(String key, Duration deadline, Supplier<CompletableFuture<T>> op) {
        if (closed) {
            return CompletableFuture.failedFuture(new UnavailableException(key, "etcd client is closed"));
        }
        long start = System.nanoTime();
        CompletableFuture<T> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(key, e));
        }
        long left = deadline.toNanos() - (System.nanoTime() - start);
        CompletableFuture<T> result = new CompletableFuture<>();
        f.orTimeout(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS)
                .whenComplete((v, err) -> {
                    if (err == null) {
                        result.complete(v);
                    } else {
                        if (unwrap(err) instanceof TimeoutException) {
                            f.cancel(true);
                        }
                        result.completeExceptionally(translate(key, err));
                    }
                });
        return result;
    }

    /** Maps any failure of an etcd call to the store's error types. */
    public static StoreException translate(String key, Throwable err) {
        Throwable t = unwrap(err);
        if (t instanceof StoreException se) {
            return se;
        }
        if (t instanceof TimeoutException) {
            return new UnavailableException(key, "etcd did not answer within the deadline" + forKey(key), t);
        }
        if (t instanceof EtcdException ee) {
            String msg = ee.getMessage() == null ? "" : ee.getMessage();
            if (msg.contains("compacted")) {
                return new ExpiredException(key, "required revision has been compacted" + forKey(key), t);
            }
            if (msg.contains("request is too large") || msg.contains("trying to send message larger")) {
                return new TooLargeException(key, "request too large for etcd" + forKey(key), t);
            }
            return new UnavailableException(key, "etcd error" + forKey(key) + ": " + describe(msg), t);
        }
        if (t instanceof StatusRuntimeException sre) {
            Status s = sre.getStatus();
            if (s.getCode() == Status.Code.OUT_OF_RANGE
                    && String.valueOf(s.getDescription()).contains("compacted")) {
                return new ExpiredException(key, "required revision has been compacted" + forKey(key), t);
            }
            if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED
                    || String.valueOf(s.getDescription()).contains("too large")) {
                return new TooLargeException(key, "request too large for etcd" + forKey(key), t);
            }
            return new UnavailableException(
                    key,
                    "etcd unavailable" + forKey(key) + ": " + s.getCode()
                            + (s.getDescription() == null ? "" : " " + describe(s.getDescription())),
                    t);
        }
        return new UnavailableException(key, "etcd call failed" + forKey(key) + ": " + t, t);
    }

    private static final java.util.regex.Pattern HTTP_STATUS =
            java.util.regex.Pattern.compile("HTTP status code (\\d+)");

    /**
     * gRPC's description of a failed call, fit for one log or error line. An endpoint that
     * is not etcd (an API server, a health port) answers with HTTP, and gRPC's description is
     * then a multi-line dump of headers and body: say what it means instead.
     */
    static String describe(String description) {
        java.util.regex.Matcher http = HTTP_STATUS.matcher(description);
        boolean status = http.find();
        if (status || description.contains("content-type")) {
            return "the endpoint answered with plain HTTP" + (status ? " (status " + http.group(1) + ")" : "")
                    + ", not etcd's gRPC API: is it an etcd client URL?";
        }
        int nl = description.indexOf('\n');
        return nl < 0 ? description : description.substring(0, nl);
    }

    private static String forKey(String key) {
        return key == null ? "" : " (key " + key + ")";
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
    }
}
