package io.kubelite.apiserver.testing;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.authorization.AuthorizationMode;
import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster for a kubectl contract test class: its own etcd, an in-process API server on a
 * free loopback port, a temp directory, and the real {@code kubectl} ({@link Kubectl}) with a
 * kubeconfig for that server. Register it on a static field; the cluster is started before the
 * class's {@code @BeforeAll} methods and closed after its {@code @AfterAll} methods, whether the
 * tests passed or not:
 *
 * <pre>{@code
 * @RegisterExtension static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();
 * @RegisterExtension static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls().tokenFile("t,admin,uid-1\n");
 * @RegisterExtension static final KubectlCluster CLUSTER = KubectlCluster.clientCerts();   // as `kubelite up`
 * }</pre>
 *
 * <p>Without a kubectl binary the class is aborted before anything starts, with {@link
 * Kubectl}'s loud banner (JUnit reports its tests skipped); {@link #withoutKubectl()} is for a
 * class that only speaks HTTP (the replay of the kubectl suite).
 */
public final class KubectlCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** How clients reach the server and prove who they are. */
    public enum Security {
        /** Plain HTTP; anonymous requests are admins. */
        PLAIN_HTTP,
        /** TLS with a self-signed certificate ({@link SelfSignedCert}); users by token. */
        SELF_SIGNED_TLS,
        /**
         * TLS with a cluster CA that also signs client certificates ({@link ClusterPki}), and
         * kubectl's kubeconfig holding the admin's certificate: the shape {@code kubelite up} starts.
         */
        CLIENT_CERTS
    }

    private final Security security;
    private final EtcdExtension etcdExtension = EtcdExtension.single();
    private final Map<String, Auth.User> tokens = new LinkedHashMap<>();
    private final List<String> nodes = new ArrayList<>();
    private final Map<String, Kubectl> byToken = new LinkedHashMap<>();
    private String tokenFile;
    private boolean needsKubectl = true;
    private boolean runNodeAgents;
    private AuthorizationMode authorization = AuthorizationMode.ALWAYS_ALLOW;
    private java.util.function.UnaryOperator<io.kubelite.apiserver.ApiServer> setup = s -> s;

    private Path dir;
    private Etcd etcd;
    private TestApiServer api;
    private Path caFile;
    private ClusterPki pki;
    private SSLContext ssl;
    private HttpClient http;
    private Path kubeconfig;
    private Kubectl kubectl;
    private NodeAgents agents;
    private NodeAgents.Loop agentLoop;

    private KubectlCluster(Security security) {
        this.security = security;
    }

    /** Plain HTTP, anonymous: what most of kubectl's contracts need. */
    public static KubectlCluster plainHttp() {
        return new KubectlCluster(Security.PLAIN_HTTP);
    }

    /** HTTPS with a self-signed certificate; kubectl sends a bearer token only over HTTPS. */
    public static KubectlCluster selfSignedTls() {
        return new KubectlCluster(Security.SELF_SIGNED_TLS);
    }

    /** HTTPS with a cluster CA and client-certificate auth; {@link #kubectl()} is the admin. */
    public static KubectlCluster clientCerts() {
        return new KubectlCluster(Security.CLIENT_CERTS);
    }

    /** A static token for {@code user} (anonymous requests are then refused). */
    public KubectlCluster token(String token, Auth.User user) {
        tokens.put(token, user);
        return this;
    }

    /** A kube-apiserver token file ({@code token,user,uid[,"groups"]} lines), read as the server reads it. */
    public KubectlCluster tokenFile(String lines) {
        this.tokenFile = lines;
        return this;
    }

    /** Nodes registered through the API (no status) before the tests, and seen by the node watch cache. */
    public KubectlCluster nodes(String... names) {
        nodes.addAll(List.of(names));
        return this;
    }

    /**
     * Runs {@link NodeAgents#start} for {@link #nodes}: what their kubelets and the disruption
     * controller would write (nodes Ready, their pods Running and Ready, deleting pods removed once
     * their grace period is over, budget statuses), for commands that wait for a cluster to act.
     */
    public KubectlCluster withNodeAgents() {
        this.runNodeAgents = true;
        return this;
    }

    /** Sets the API server up before it starts (intervals, ranges): {@code s -> s.withX(...)}. */
    public KubectlCluster setup(java.util.function.UnaryOperator<io.kubelite.apiserver.ApiServer> setup) {
        this.setup = setup;
        return this;
    }

    /**
     * Authorizes by RBAC, as the API server process does by default (otherwise every request is
     * allowed: {@code AlwaysAllow}, what tests that are not about authorization run with).
     */
    public KubectlCluster rbac() {
        this.authorization = AuthorizationMode.RBAC;
        return this;
    }

    /** For a class that talks HTTP only: no kubectl needed, none looked for. */
    public KubectlCluster withoutKubectl() {
        this.needsKubectl = false;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close(context);
    }

    /**
     * Starts the cluster outside JUnit (a program that records kubectl against it); {@link #close()}
     * stops it.
     */
    public KubectlCluster start() throws Exception {
        start(null);
        return this;
    }

    @Override
    public void close() throws Exception {
        close(null);
    }

    private void start(ExtensionContext context) throws Exception {
        if (needsKubectl) {
            Kubectl.require(); // aborts, loudly, before anything starts
        }
        try {
            dir = Files.createTempDirectory("kubectl-cluster");
            etcdExtension.beforeAll(context); // EtcdExtension does not read the context
            etcd = etcdExtension.connect(etcdExtension.newPrefix());
            api = TestApiServer.start(etcd, serverConfig(), setup);
            if (ssl != null) {
                api.withSslContext(ssl);
            }
            agents = new NodeAgents(api.store());
            registerNodes();
            if (security == Security.CLIENT_CERTS) {
                kubeconfig = dir.resolve("admin.kubeconfig");
                Pem.writeSecret(kubeconfig, pki.adminKubeconfig(api.url(), "kubelite"));
            }
            if (needsKubectl) {
                kubectl = kubeconfig != null
                        ? Kubectl.withKubeconfig(kubeconfig)
                        : Kubectl.find(Files.createDirectories(dir.resolve("kubectl")), api.url(), null, caFile);
            }
            if (runNodeAgents) {
                agentLoop = agents.start(nodes, Duration.ofMillis(100));
            }
        } catch (Throwable t) {
            try {
                close(context);
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    private ApiServerConfig serverConfig() throws Exception {
        ApiServerConfig config = ApiServerConfig.local().withAuthorization(authorization);
        Map<String, Auth.User> all = new LinkedHashMap<>();
        if (tokenFile != null) {
            Path file = dir.resolve("tokens.csv");
            Files.writeString(file, tokenFile);
            all.putAll(Auth.readTokenFile(file));
        }
        all.putAll(tokens);
        if (!all.isEmpty()) {
            config = config.withTokens(all, false);
        }
        switch (security) {
            case PLAIN_HTTP -> {}
            case SELF_SIGNED_TLS -> {
                SelfSignedCert cert = SelfSignedCert.create(dir);
                caFile = cert.certFile();
                ssl = cert.trustingContext();
                config = config.withTls(cert.certFile(), cert.keyFile());
            }
            case CLIENT_CERTS -> {
                pki = ClusterPki.ensure(dir.resolve("pki"), List.of());
                caFile = pki.caCert();
                ssl = adminSslContext(pki);
                config = config.withTls(pki.serverCert(), pki.serverKey()).withClientCa(pki.caCert());
            }
        }
        return config;
    }

    private void registerNodes() {
        for (String n : nodes) {
            TestApiServer.Resp r = api.post("/api/v1/nodes", TestApiServer.node(n));
            if (r.code() != 201) {
                throw new IllegalStateException("registering node " + n + ": " + r.code() + " " + r.body());
            }
        }
        if (!nodes.isEmpty()) {
            // graceful deletion asks the node watch cache whether a pod's node exists: wait for every node
            Poll.until(
                    Duration.ofSeconds(10),
                    "nodes " + nodes + " in the API server's node cache",
                    () -> api.get("/api/v1/nodes?resourceVersion=0").body(),
                    body -> nodes.stream().allMatch(n -> body.contains("\"name\":\"" + n + "\"")));
        }
    }

    private void close(ExtensionContext context) throws Exception {
        Exception failure = null;
        for (AutoCloseable c : new AutoCloseable[] {agentLoop, api}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure = first(failure, e);
            }
        }
        agentLoop = null;
        api = null;
        kubectl = null;
        kubeconfig = null;
        http = null;
        byToken.clear();
        try {
            etcdExtension.afterAll(context); // closes the etcd clients and the etcd it started
        } catch (Exception e) {
            failure = first(failure, e);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                failure = first(failure, e);
            }
            dir = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Exception first(Exception kept, Exception e) {
        if (kept == null) {
            return e;
        }
        kept.addSuppressed(e);
        return kept;
    }

    /** The server, whose {@link TestApiServer#request} client trusts its certificate (and is the admin). */
    public TestApiServer api() {
        return started(api);
    }

    /** The etcd client the server runs on. */
    public Etcd etcd() {
        return started(etcd);
    }

    public Store store() {
        return api().store();
    }

    /** The endpoints of the etcd the server runs on (with {@code etcd().prefix()}: where a component started beside it connects). */
    public java.util.List<String> etcdEndpoints() {
        started(etcd);
        return etcdExtension.cluster().endpoints();
    }

    public String url() {
        return api().url();
    }

    /** The class's temp directory (deleted after it): kubeconfigs, certificates, files a test writes. */
    public Path dir() {
        return started(dir);
    }

    /** The cluster's CA certificate (PEM), null on plain HTTP. */
    public Path caFile() {
        return caFile;
    }

    /**
     * The admin's kubeconfig ({@link Security#CLIENT_CERTS} only: the CA, the admin's certificate
     * and key, as {@code kubelite up} writes it), for a kubectl run outside the tests.
     */
    public Path kubeconfig() {
        if (kubeconfig == null) {
            throw new IllegalStateException("no admin kubeconfig: this cluster is " + security);
        }
        return kubeconfig;
    }

    /** The cluster's certificates ({@link Security#CLIENT_CERTS} only). */
    public ClusterPki pki() {
        if (pki == null) {
            throw new IllegalStateException("no cluster PKI: this cluster is " + security);
        }
        return pki;
    }

    public Security security() {
        return security;
    }

    /** The writes of kubelets and the disruption controller, for a test to make by hand. */
    public NodeAgents agents() {
        return started(agents);
    }

    /**
     * Waits until the node agents ({@link #withNodeAgents}) have made a whole round after this
     * call, so that what was written before it has been acted on (a pod created is Running); does
     * nothing without them.
     */
    public void settle() {
        if (agentLoop != null) {
            try {
                agentLoop.awaitRound(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * kubectl with the cluster's own kubeconfig: anonymous on plain HTTP, no credential on
     * self-signed TLS (see {@link #kubectl(String)}), the admin's certificate with client certs.
     */
    public Kubectl kubectl() {
        if (!needsKubectl) {
            throw new IllegalStateException("this cluster was started withoutKubectl()");
        }
        return started(kubectl);
    }

    /** kubectl with {@code token} as its bearer token (and the cluster's CA), in a kubeconfig of its own. */
    public synchronized Kubectl kubectl(String token) {
        Kubectl k = byToken.get(token);
        if (k == null) {
            try {
                Path own = Files.createDirectories(dir().resolve("kubectl-" + (byToken.size() + 1)));
                k = Kubectl.find(own, url(), token, caFile);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            byToken.put(token, k);
        }
        return k;
    }

    /**
     * A JDK HTTP client that reaches the server as {@link #kubectl()}'s kubeconfig does (trusting
     * the cluster's CA; with client certs, presenting the admin's certificate).
     */
    public synchronized HttpClient httpClient() {
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (ssl != null) {
                b.sslContext(ssl);
            }
            http = b.build();
        }
        return http;
    }

    private <T> T started(T value) {
        if (value == null) {
            throw new IllegalStateException(
                    "cluster not started: register KubectlCluster with @RegisterExtension on a static field");
        }
        return value;
    }

    /** Trusts the cluster CA and presents the admin's client certificate. */
    private static SSLContext adminSslContext(ClusterPki pki) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pass = "changeit".toCharArray();
        List<X509Certificate> chain = Pem.readCertificates(pki.adminCert());
        keys.setKeyEntry("admin", Pem.readPrivateKey(pki.adminKey()), pass, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pass);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
