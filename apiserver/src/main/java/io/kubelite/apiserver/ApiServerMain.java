package io.kubelite.apiserver;

import io.kubelite.apiserver.admission.AdmissionPlugins;
import io.kubelite.apiserver.audit.AuditConfig;
import io.kubelite.apiserver.audit.AuditFlags;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.apiserver.authorization.AuthorizationMode;
import io.kubelite.apiserver.flowcontrol.FlowControlConfig;
import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.apiserver.services.NodePortRange;
import io.kubelite.apiserver.services.ServiceCidr;
import io.kubelite.apiserver.services.ServiceRanges;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.ElectorFactory;
import io.kubelite.store.runtime.Failures;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubelite apiserver}: flags in kube-apiserver's names where they exist. Serves HTTPS, as
 * kube-apiserver does: with {@code --tls-cert-file}/{@code --tls-private-key-file}, or else with a
 * self-signed CA and serving certificate it makes (or reuses) in {@code --cert-dir}. Plain HTTP
 * only with {@code --insecure-http}. Bad flag combinations exit 2 with one line on stderr.
 */
@Command(
        name = "apiserver",
        mixinStandardHelpOptions = true,
        description = "Serves the Kubernetes API over etcd. Stateless: run as many replicas as you like.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:start-up failed, or a fatal error", "2:bad flags"})
public final class ApiServerMain implements Callable<Integer> {
    /** {@code --cert-dir}'s default, relative to the working directory. */
    public static final String DEFAULT_CERT_DIR = "kubelite-apiserver-pki";

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerMain.class);

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    AuditFlags audit = new AuditFlags();

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(
            names = "--secure-port",
            defaultValue = "6443",
            description = "Port to serve on; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--token-auth-file",
            description = "kube-apiserver static token CSV: token,user,uid[,\"group1,group2\"].")
    Path tokenFile;

    @Option(
            names = "--anonymous-auth",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "false",
            description = "Serve requests without a credential as system:anonymous (group system:unauthenticated; "
                    + "RBAC lets it read /healthz, /livez, /readyz and /version only) (default: ${DEFAULT-VALUE}).")
    boolean anonymous;

    @Option(
            names = "--authorization-mode",
            defaultValue = "RBAC",
            converter = AuthorizationModeConverter.class,
            description = "RBAC (roles and bindings, members of system:masters may do everything) or AlwaysAllow "
                    + "(every request allowed: development only) (default: ${DEFAULT-VALUE}).")
    AuthorizationMode authorizationMode;

    /** Reads {@code --authorization-mode} by kube's names, with kube's list of them on a bad one. */
    static final class AuthorizationModeConverter implements picocli.CommandLine.ITypeConverter<AuthorizationMode> {
        @Override
        public AuthorizationMode convert(String value) {
            try {
                return AuthorizationMode.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Option(
            names = "--tls-cert-file",
            description = "PEM serving certificate (chain, leaf first), with --tls-private-key-file. "
                    + "Without both, a self-signed one is made in --cert-dir.")
    Path tlsCert;

    @Option(names = "--tls-private-key-file", description = "PEM private key of --tls-cert-file.")
    Path tlsKey;

    @Option(
            names = "--cert-dir",
            description = "Where the self-signed CA (ca.crt, ca.key) and serving certificate (apiserver.crt, "
                    + "apiserver.key) go when no --tls-cert-file is given; reused while still valid for the "
                    + "names asked for (default: " + DEFAULT_CERT_DIR + " in the working directory).")
    Path certDir;

    @Option(
            names = "--tls-san",
            split = ",",
            description = "Extra names (IPs or DNS names) of the self-signed serving certificate, beside "
                    + "127.0.0.1, localhost and --bind-address; repeatable or comma-separated.")
    List<String> tlsSans = List.of();

    @Option(
            names = "--insecure-http",
            description = "Serve plain HTTP instead of HTTPS (the real kubectl sends no token over it).")
    boolean insecureHttp;

    @Option(
            names = "--client-ca-file",
            description = "PEM CA bundle: a client certificate it signed authenticates its CN as the user, "
                    + "its O entries as groups (needs HTTPS).")
    Path clientCa;

    @Option(
            names = "--max-requests-inflight",
            defaultValue = "400",
            description = "Seats: non-long-running requests served at once (watches, logs and exec do not count);"
                    + " a request finding none waits in its user's queue, served fairly across users;"
                    + " 0 refuses every request not from system:masters with 429 (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--max-watches-per-user",
            defaultValue = "" + ApiServerConfig.DEFAULT_MAX_WATCHES_PER_USER,
            description = "Watches one user may have open at once before 429, system:masters included; 0: no "
                    + "limit (default: ${DEFAULT-VALUE}).")
    int maxWatchesPerUser;

    @Option(
            names = "--flowcontrol-queue-length-per-flow",
            defaultValue = "50",
            description = "Requests one user may have waiting for a seat; beyond that, 429 at once."
                    + " 0: no waiting, 429 when no seat is free (default: ${DEFAULT-VALUE}).")
    int queueLengthPerFlow;

    @Option(
            names = "--flowcontrol-queue-wait",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "Longest a request waits for a seat before 429 (default: ${DEFAULT-VALUE}).")
    Duration queueWait;

    @Option(
            names = "--watch-cache-size",
            defaultValue = "10000",
            description =
                    "Most changes of history kept per resource; within that, the last 75 s (default: ${DEFAULT-VALUE}).")
    int watchCacheSize;

    @Option(
            names = "--watch-bookmark-interval",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How often watchers that allow bookmarks get one (default: ${DEFAULT-VALUE}).")
    Duration bookmarkInterval;

    @Option(
            names = "--etcd-compaction-interval",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How often etcd's history is compacted; 0 disables (default: ${DEFAULT-VALUE}).")
    Duration compactionInterval;

    @Option(
            names = "--runtime-config",
            description = "Built-in API group-versions to serve beyond the defaults (GA only), as kube-apiserver's:"
                    + " comma-separated key=true|false, keys api/all, api/ga, api/beta, api/alpha or <group>/<version>"
                    + " (batch/v1beta1=true, batch/v1=false). See docs/apiserver.md.")
    String runtimeConfig;

    @Option(
            names = "--service-cluster-ip-range",
            defaultValue = "10.96.0.0/12",
            description = "IPv4 CIDR Services' ClusterIPs are allocated from; its first address is the"
                    + " kubernetes Service's. Every replica needs the same (default: ${DEFAULT-VALUE}).")
    String serviceClusterIpRange;

    @Option(
            names = "--service-node-port-range",
            defaultValue = "30000-32767",
            description = "Ports (inclusive) NodePort and LoadBalancer Services' node ports are allocated from"
                    + " (default: ${DEFAULT-VALUE}).")
    String serviceNodePortRange;

    @Option(
            names = "--disable-admission-plugins",
            split = ",",
            description = "Admission plugins to turn off, comma-separated, as kube-apiserver's (all are on:"
                    + " NamespaceLifecycle, ServiceAccount, PodSecurity, DefaultTolerationSeconds,"
                    + " DefaultStorageClass, ...). See docs/security.md.")
    java.util.Set<String> disabledAdmissionPlugins = new java.util.LinkedHashSet<>();

    @Option(
            names = "--service-account-issuer",
            description = "Issuer (iss) of service-account tokens; repeatable: the first names new tokens, each is"
                    + " accepted (default: " + ServiceAccountIssuing.DEFAULT_ISSUER + ").")
    List<String> serviceAccountIssuers = List.of();

    @Option(
            names = "--service-account-signing-key-file",
            description =
                    "PEM private key (RSA, or ECDSA P-256/384/521) TokenRequest signs tokens with. Without it (and"
                            + " without --tls-cert-file and --insecure-http) sa.key/sa.pub in --cert-dir are made or reused;"
                            + " every replica must share the key.")
    Path serviceAccountSigningKey;

    @Option(
            names = "--service-account-key-file",
            description = "PEM public keys (or private keys, or certificates) service-account tokens are verified with,"
                    + " besides the signing key's; repeatable.")
    List<Path> serviceAccountKeyFiles = List.of();

    @Option(
            names = "--api-audiences",
            split = ",",
            description = "Audiences a service-account token must name one of to authenticate here; comma-separated"
                    + " (default: the issuers).")
    List<String> apiAudiences = List.of();

    @Option(
            names = "--service-account-jwks-uri",
            description = "jwks_uri of /.well-known/openid-configuration (default: this server's /openid/v1/jwks).")
    String serviceAccountJwksUri;

    @Option(names = "--event-loops", defaultValue = "2", description = "HTTP event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Override
    public Integer call() throws Exception {
        String flagProblem = flagProblem();
        if (flagProblem != null) {
            System.err.println("kubelite apiserver: " + flagProblem);
            return 2;
        }
        RuntimeConfig versions;
        ServiceRanges ranges;
        try {
            versions = RuntimeConfig.parse(runtimeConfig);
            ranges = new ServiceRanges(
                    ServiceCidr.parse(serviceClusterIpRange), NodePortRange.parse(serviceNodePortRange));
        } catch (IllegalArgumentException e) {
            System.err.println("kubelite apiserver: " + e.getMessage());
            return 2;
        }
        java.util.Set<String> unknownPlugins = AdmissionPlugins.unknown(disabledAdmissionPlugins);
        if (!unknownPlugins.isEmpty()) {
            System.err.println("kubelite apiserver: --disable-admission-plugins: unknown plugins "
                    + String.join(", ", unknownPlugins) + " (known: " + String.join(", ", AdmissionPlugins.names())
                    + ")");
            return 2;
        }
        for (Path p : new Path[] {tlsCert, tlsKey, clientCa}) {
            if (p != null && !Files.isReadable(p)) {
                System.err.println("kubelite apiserver: cannot read " + p);
                return 1;
            }
        }
        Path madeServiceAccountKey = null;
        if (!insecureHttp && tlsCert == null) {
            Path dir = (certDir != null ? certDir : Path.of(DEFAULT_CERT_DIR))
                    .toAbsolutePath()
                    .normalize();
            ClusterPki pki;
            try {
                pki = ClusterPki.ensureServing(dir, selfSignedSans());
            } catch (IOException | RuntimeException e) {
                System.err.println(
                        "kubelite apiserver: cannot make a serving certificate in " + dir + ": " + describe(e));
                return 1;
            }
            tlsCert = pki.serverCert();
            tlsKey = pki.serverKey();
            madeServiceAccountKey = pki.serviceAccountKey();
            boolean reused = pki.actions().stream().allMatch(a -> a.startsWith("reused"));
            LOG.info(
                    "serving HTTPS with the self-signed certificate {} ({}); clients must trust its CA {}"
                            + " (e.g. kubectl --certificate-authority={})",
                    tlsCert,
                    reused ? "reused" : "new",
                    pki.caCert(),
                    pki.caCert());
        }
        AuditConfig auditConfig;
        try {
            auditConfig = audit.config(w -> System.err.println("kubelite apiserver: warning: " + w));
        } catch (IllegalArgumentException e) {
            System.err.println("kubelite apiserver: " + e.getMessage());
            return 2;
        }
        if (serviceAccountSigningKey == null && serviceAccountKeyFiles.isEmpty()) {
            serviceAccountSigningKey = madeServiceAccountKey;
        }
        ServiceAccountIssuing issuing = null;
        if (serviceAccountSigningKey != null || !serviceAccountKeyFiles.isEmpty()) {
            try {
                issuing = ServiceAccountIssuing.fromFlags(
                        serviceAccountIssuers,
                        serviceAccountSigningKey,
                        serviceAccountKeyFiles,
                        apiAudiences,
                        serviceAccountJwksUri);
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("kubelite apiserver: service-account keys: " + e.getMessage());
                return 1;
            }
            LOG.info(
                    "service-account tokens: issuer {}, signing key {}, {} verification key(s), API audiences {}",
                    issuing.issuers().get(0),
                    serviceAccountSigningKey == null ? "none (TokenRequest off)" : serviceAccountSigningKey,
                    issuing.verifyKeys().size(),
                    issuing.apiAudiences());
        } else {
            LOG.warn("no --service-account-signing-key-file or --service-account-key-file: service-account tokens"
                    + " do not authenticate and TokenRequest is not served");
        }
        FlowControlConfig flowControl;
        try {
            if (maxInFlight < 0) {
                throw new IllegalArgumentException("--max-requests-inflight must be ≥ 0, got " + maxInFlight);
            }
            flowControl = new FlowControlConfig(queueLengthPerFlow, queueWait);
        } catch (IllegalArgumentException e) {
            System.err.println("kubelite apiserver: flow control: " + e.getMessage());
            return 1;
        }
        Map<String, Auth.User> tokens = tokenFile == null ? Map.of() : Auth.readTokenFile(tokenFile);
        ApiServerConfig config = new ApiServerConfig.Builder()
                .bindAddress(bindAddress)
                .port(port)
                .staticTokens(tokens)
                .anonymousAuth(anonymous)
                .tls(tlsCert, tlsKey)
                .clientCaFile(clientCa)
                .maxInFlight(maxInFlight)
                .maxWatchesPerUser(maxWatchesPerUser)
                .watchCacheSize(watchCacheSize)
                .bookmarkInterval(bookmarkInterval)
                .eventLoops(eventLoops)
                .runtimeConfig(versions)
                .authorizationMode(authorizationMode)
                .flowControl(flowControl)
                .build();
        return new ComponentMain(
                        "apiserver",
                        new ApiServer(config)
                                .withCompactionInterval(compactionInterval)
                                .withServiceRanges(ranges)
                                .withAudit(auditConfig)
                                .withDisabledAdmissionPlugins(disabledAdmissionPlugins)
                                .withServiceAccountIssuing(issuing),
                        common,
                        ElectorFactory.UNAVAILABLE)
                .run();
    }

    /** What is wrong with the TLS flags together, in one line; null when nothing is. */
    private String flagProblem() {
        if (insecureHttp && (tlsCert != null || tlsKey != null)) {
            return "--insecure-http serves plain HTTP: drop it, or drop --tls-cert-file/--tls-private-key-file";
        }
        if (insecureHttp && clientCa != null) {
            return "--client-ca-file needs HTTPS (client certificates come with the TLS handshake): "
                    + "drop --insecure-http";
        }
        if (tlsCert != null && tlsKey == null) {
            return "--tls-cert-file needs --tls-private-key-file";
        }
        if (tlsKey != null && tlsCert == null) {
            return "--tls-private-key-file needs --tls-cert-file";
        }
        String makesNoCertificate = insecureHttp ? "--insecure-http" : tlsCert != null ? "--tls-cert-file" : null;
        if (makesNoCertificate != null && certDir != null) {
            return "--cert-dir holds the certificate made when no --tls-cert-file is given; it has no use with "
                    + makesNoCertificate;
        }
        if (makesNoCertificate != null && !tlsSans.isEmpty()) {
            return "--tls-san names the certificate made when no --tls-cert-file is given; it has no use with "
                    + makesNoCertificate;
        }
        return null;
    }

    /**
     * The self-signed certificate's names beyond {@link ClusterPki#DEFAULT_SANS}: the bind address
     * when it is one address (not 0.0.0.0 or ::), then {@code --tls-san}.
     */
    private List<String> selfSignedSans() {
        List<String> sans = new ArrayList<>();
        if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::") && !bindAddress.equals("[::]")) {
            sans.add(bindAddress);
        }
        sans.addAll(tlsSans);
        return sans;
    }

    /** A file-system failure in words (the JDK's messages for these are the bare path). */
    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return ((FileSystemException) e).getFile() + " is not a directory";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        return Failures.oneLine(e);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApiServerMain()).execute(args));
    }
}
