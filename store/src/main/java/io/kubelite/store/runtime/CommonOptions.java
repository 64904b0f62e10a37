package io.kubelite.store.runtime;

import io.kubelite.store.EtcdConfig;
import io.kubelite.store.encryption.StorageEncryption;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.Level;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags every kubelite process shares, as a picocli mixin:
 * <pre>{@code
 * @Command(name = "scheduler", mixinStandardHelpOptions = true)
 * final class SchedulerCommand implements Callable<Integer> {
 *     @Mixin CommonOptions common = new CommonOptions().leaderElectByDefault(true);
 *     public Integer call() { return new ComponentMain("scheduler", new Scheduler(), common, electors).run(); }
 * }
 * }</pre>
 *
 * <p>A pre-initialised mixin field is used as is by picocli, which is how a component
 * changes the default of {@code --leader-elect}. Values are plain fields set by picocli;
 * the accessors apply the remaining defaults. {@link #validate()} checks what the
 * converters cannot (positive timeouts, port range). An instance is filled once by
 * picocli at startup and only read afterwards; it is not meant to be mutated
 * concurrently.
 */
public final class CommonOptions {
    @Option(
            names = "--etcd-endpoints",
            split = ",",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:ETCD_ENDPOINTS:-127.0.0.1:2379}",
            description = "etcd client endpoints, comma-separated (default: $ETCD_ENDPOINTS, else 127.0.0.1:2379).")
    List<String> etcdEndpoints = new ArrayList<>();

    @Option(
            names = "--etcd-prefix",
            defaultValue = EtcdConfig.DEFAULT_PREFIX,
            paramLabel = "PREFIX",
            description = "Key prefix all kubelite data lives under (default: ${DEFAULT-VALUE}).")
    String etcdPrefix = EtcdConfig.DEFAULT_PREFIX;

    @Option(
            names = "--etcd-request-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Deadline of every single etcd call (default: ${DEFAULT-VALUE}).")
    Duration etcdRequestTimeout = Duration.ofSeconds(10);

    @Option(
            names = "--etcd-startup-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How long to wait for etcd to answer at startup (default: ${DEFAULT-VALUE}).")
    Duration etcdStartupTimeout = Duration.ofSeconds(30);

    @Option(
            names = "--shutdown-timeout",
            defaultValue = "8s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "A graceful stop that takes longer ends the process with exit code 1; "
                            + "below Docker's 10 s stop timeout, so the reason is logged before a SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout = Duration.ofSeconds(8);

    @Option(
            names = "--id",
            paramLabel = "IDENTITY",
            description = "Identity of this process in leader election and logs (default: <hostname>-<pid>).")
    String id;

    @Option(
            names = "--leader-elect",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description = "Campaign for leadership and act only while leading (default depends on the component).")
    Boolean leaderElect;

    @Option(
            names = "--leader-lease-duration",
            defaultValue = "15s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description =
                    "Leader lease TTL; a dead leader is replaced after about this long (default: ${DEFAULT-VALUE}).")
    Duration leaderLeaseDuration = Duration.ofSeconds(15);

    @Option(
            names = "--health-port",
            defaultValue = "0",
            paramLabel = "PORT",
            description =
                    "Port for /healthz, /readyz and /metrics; 0 picks a free port, which is logged (default: ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--health-bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address the health server binds to (default: ${DEFAULT-VALUE}).")
    String healthBindAddress = "127.0.0.1";

    @Option(
            names = "--log-level",
            defaultValue = "info",
            converter = LogLevelConverter.class,
            paramLabel = "LEVEL",
            description = "Root log level: trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
    Level logLevel = Level.INFO;

    @Option(
            names = "--mirror-pod",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "true",
            paramLabel = "BOOL",
            description = "Show this process as a mirror pod in kube-system, as kubeadm shows its static pods "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean mirrorPod = true;

    @Option(
            names = "--mirror-pod-lease-duration",
            defaultValue = "15s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "TTL of the etcd lease the mirror pod is attached to: how long it outlives a killed "
                    + "process at most (default: ${DEFAULT-VALUE}).")
    Duration mirrorPodLeaseDuration = Duration.ofSeconds(15);

    @Mixin
    EtcdSecurityOptions etcdSecurity = new EtcdSecurityOptions();

    @Option(
            names = "--encryption-provider-config",
            paramLabel = "FILE",
            description = "kube's EncryptionConfiguration: which resources are encrypted at rest, with which keys."
                    + " Every process that reads or writes those resources needs the same file.")
    Path encryptionProviderConfig;

    // The command whose mixin this is: how the mirror pod shows the process's command line.
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private boolean leaderElectDefault;

    /**
     * Sets the default of {@code --leader-elect} for this component (false unless
     * changed); returns this, for use in a mixin field initialiser.
     */
    public CommonOptions leaderElectByDefault(boolean value) {
        this.leaderElectDefault = value;
        return this;
    }

    /** The etcd endpoints, blanks dropped. */
    public List<String> etcdEndpoints() {
        return etcdEndpoints.stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    public String etcdPrefix() {
        return etcdPrefix;
    }

    public Duration etcdRequestTimeout() {
        return etcdRequestTimeout;
    }

    public Duration etcdStartupTimeout() {
        return etcdStartupTimeout;
    }

    /** {@code --id}, or {@code <hostname>-<pid>} when not given. */
    public String identity() {
        if (id != null && !id.isBlank()) {
            return id.trim();
        }
        return hostname() + "-" + ProcessHandle.current().pid();
    }

    /** {@code --leader-elect} if given, else the component's default. */
    public boolean leaderElect() {
        return leaderElect != null ? leaderElect : leaderElectDefault;
    }

    public Duration leaderLeaseDuration() {
        return leaderLeaseDuration;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public int healthPort() {
        return healthPort;
    }

    public String healthBindAddress() {
        return healthBindAddress;
    }

    public Level logLevel() {
        return logLevel;
    }

    /** {@code --mirror-pod}: publish this process's mirror pod. */
    public boolean mirrorPod() {
        return mirrorPod;
    }

    public Duration mirrorPodLeaseDuration() {
        return mirrorPodLeaseDuration;
    }

    /** The host this process runs on (its mirror pod's {@code spec.nodeName}). */
    public String host() {
        return hostname();
    }

    /**
     * The arguments the process was started with, as picocli parsed them (empty when these
     * options were not filled by picocli, e.g. in tests).
     */
    public List<String> originalArgs() {
        if (mixee == null || mixee.commandLine() == null || mixee.commandLine().getParseResult() == null) {
            return List.of();
        }
        return List.copyOf(mixee.commandLine().getParseResult().originalArgs());
    }

    /**
     * The etcd connection settings these flags describe, TLS and credentials included. Call
     * {@link #validate()} first; reads the password file, so throws
     * {@link IllegalArgumentException} naming the flag when it cannot.
     */
    public EtcdConfig etcdConfig() {
        return etcdSecurity.applyTo(new EtcdConfig(etcdEndpoints(), etcdPrefix, etcdRequestTimeout));
    }

    /** {@code --encryption-provider-config}, or null. */
    public Path encryptionProviderConfig() {
        return encryptionProviderConfig;
    }

    /**
     * The encryption at rest {@code --encryption-provider-config} describes ({@link StorageEncryption#NONE}
     * without it); {@link io.kubelite.store.encryption.EncryptionConfigException} naming the
     * file and field when it is not a valid EncryptionConfiguration.
     */
    public StorageEncryption storageEncryption() {
        return encryptionProviderConfig == null
                ? StorageEncryption.NONE
                : StorageEncryption.load(encryptionProviderConfig);
    }

    /**
     * Checks what the type converters cannot. Throws {@link IllegalArgumentException}
     * whose message names the flag and is fit to show a user.
     */
    public void validate() {
        if (etcdEndpoints().isEmpty()) {
            throw new IllegalArgumentException("--etcd-endpoints: at least one endpoint is required");
        }
        requirePositive("--etcd-request-timeout", etcdRequestTimeout);
        requirePositive("--etcd-startup-timeout", etcdStartupTimeout);
        requirePositive("--leader-lease-duration", leaderLeaseDuration);
        requirePositive("--shutdown-timeout", shutdownTimeout);
        if (mirrorPodLeaseDuration == null || mirrorPodLeaseDuration.toSeconds() < 2) {
            throw new IllegalArgumentException("--mirror-pod-lease-duration: must be at least 2s");
        }
        if (healthPort < 0 || healthPort > 65535) {
            throw new IllegalArgumentException("--health-port: " + healthPort + " is not a port (0-65535)");
        }
        if (healthBindAddress == null || healthBindAddress.isBlank()) {
            throw new IllegalArgumentException("--health-bind-address: must not be empty");
        }
    }

    private static void requirePositive(String flag, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(flag + ": must be a positive duration such as 10s");
        }
    }

    private static String hostname() {
        // getLocalHost can fail on hosts without a resolvable name; an identity is still needed.
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    /** Case-insensitive log level names, with a clear error listing the valid ones. */
    public static final class LogLevelConverter implements ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            try {
                return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a log level; use trace, debug, info, warn or error");
            }
        }
    }
}
