package io.kubelite.metrics;

import io.kubelite.store.runtime.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags of {@code kubelite metrics-server} besides the common ones, named as metrics-server's. */
public final class MetricsServerOptions {
    @Option(
            names = "--metric-resolution",
            defaultValue = "15s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Interval between two scrapes of every kubelet (default: ${DEFAULT-VALUE}). metrics-server"
                    + " refuses less than 10s; kubelite allows down to 100ms so tests need not wait.")
    public Duration metricResolution = Duration.ofSeconds(15);

    @Option(
            names = "--kubelet-request-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Timeout of one Summary API request, connect included (default: ${DEFAULT-VALUE}).")
    public Duration kubeletRequestTimeout = Duration.ofSeconds(10);

    @Option(
            names = "--scrape-concurrency",
            defaultValue = "16",
            paramLabel = "N",
            description = "Kubelets scraped at once (default: ${DEFAULT-VALUE}).")
    public int scrapeConcurrency = 16;

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address the HTTPS API binds (default: ${DEFAULT-VALUE}).")
    public String bindAddress = "127.0.0.1";

    @Option(
            names = "--secure-port",
            defaultValue = "10250",
            paramLabel = "PORT",
            description = "HTTPS port of the metrics.k8s.io API; 0 picks a free one (default: ${DEFAULT-VALUE},"
                    + " metrics-server's container port).")
    public int securePort = 10250;

    @Option(
            names = "--tls-cert-file",
            paramLabel = "FILE",
            description = "Serving certificate chain (PEM); without it and --tls-private-key-file a self-signed one"
                    + " is made at start.")
    public Path tlsCertFile;

    @Option(names = "--tls-private-key-file", paramLabel = "FILE", description = "Key of --tls-cert-file (PEM).")
    public Path tlsPrivateKeyFile;

    /** Why the flags cannot be used together, or null. */
    String problem() {
        if (metricResolution.compareTo(Duration.ofMillis(100)) < 0) {
            return "--metric-resolution must be at least 100ms, got " + DurationConverter.format(metricResolution);
        }
        if (kubeletRequestTimeout.isNegative() || kubeletRequestTimeout.isZero()) {
            return "--kubelet-request-timeout must be positive";
        }
        if (scrapeConcurrency < 1) {
            return "--scrape-concurrency must be at least 1, got " + scrapeConcurrency;
        }
        if (securePort < 0 || securePort > 65535) {
            return "--secure-port must be 0..65535, got " + securePort;
        }
        if ((tlsCertFile == null) != (tlsPrivateKeyFile == null)) {
            return "--tls-cert-file and --tls-private-key-file go together";
        }
        return null;
    }
}
