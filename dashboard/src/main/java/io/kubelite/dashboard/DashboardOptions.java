package io.kubelite.dashboard;

import io.kubelite.store.runtime.DurationConverter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The dashboard's own flags (the component runtime's common flags come on top). */
public final class DashboardOptions {
    @Option(
            names = "--kubeconfig",
            required = true,
            paramLabel = "FILE",
            description = "The dashboard's own credential toward the API server (kubectl's format): its caches"
                    + " and one-time-link sessions use it.")
    public Path kubeconfig;

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Loopback address to serve on; others are refused (default: ${DEFAULT-VALUE}).")
    public String bindAddress = "127.0.0.1";

    @Option(
            names = "--port",
            defaultValue = "9090",
            paramLabel = "PORT",
            description = "HTTP port, Kubernetes Dashboard's; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    public int port = 9090;

    @Option(
            names = "--login-code-file",
            paramLabel = "FILE",
            description = "A file holding a one-time login code for /?login=CODE; read and deleted at start.")
    public Path loginCodeFile;

    @Option(
            names = "--session-idle-timeout",
            defaultValue = "8h",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "A session unused this long is signed out (default: ${DEFAULT-VALUE}).")
    public Duration sessionIdleTimeout = Duration.ofHours(8);

    @Option(
            names = "--update-interval",
            defaultValue = "150ms",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Changes are gathered this long before they go to the browser (default: ${DEFAULT-VALUE}).")
    public Duration updateInterval = Duration.ofMillis(150);

    @Option(
            names = "--metrics-interval",
            defaultValue = "5s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How often node usage is read from metrics.k8s.io (default: ${DEFAULT-VALUE}).")
    public Duration metricsInterval = Duration.ofSeconds(5);

    @Option(
            names = "--cluster-domain",
            defaultValue = "cluster.local",
            paramLabel = "DOMAIN",
            description = "The cluster DNS's domain, for Services' DNS names (the kubelet's and the DNS server's"
                    + " --cluster-domain; default: ${DEFAULT-VALUE}).")
    public String clusterDomain = "cluster.local";

    /** A one-line problem with the flags, or null when they are usable. */
    public String problem() {
        if (port < 0 || port > 65535) {
            return "--port must be 0..65535, got " + port;
        }
        try {
            if (!InetAddress.getByName(bindAddress).isLoopbackAddress()) {
                return "--bind-address " + bindAddress + " is not a loopback address: the dashboard acts with"
                        + " cluster credentials and serves 127.0.0.1 (or ::1) only";
            }
        } catch (UnknownHostException e) {
            return "--bind-address " + bindAddress + " is not an address";
        }
        if (updateInterval.toMillis() < 10 || metricsInterval.toMillis() < 100 || sessionIdleTimeout.isZero()) {
            return "--update-interval must be at least 10ms, --metrics-interval 100ms, --session-idle-timeout > 0";
        }
        return null;
    }
}
