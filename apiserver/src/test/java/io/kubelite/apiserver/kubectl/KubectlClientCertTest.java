package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.pki.CertificateAuthority;
import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl (and fabric8) against an API server on TLS with {@code --client-ca-file}
 * authentication, using the admin kubeconfig {@link ClusterPki} writes, as {@code kubelite up}
 * does: the client certificate is the credential; without one, or with one from another CA,
 * the answer is kube's 401.
 */
class KubectlClientCertTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER =
            KubectlCluster.clientCerts().token("t0ken", new Auth.User("token-user", List.of("system:masters"), null));

    final Kubectl admin = CLUSTER.kubectl();

    @Test
    void theAdminCertificateWorksForEverydayCommands() {
        Kubectl.Result nodes = admin.run("get", "nodes");
        assertThat(nodes.exitCode()).as(nodes.err()).isZero();
        assertThat(nodes.err()).startsWith("No resources found");
        assertThat(admin.run("create", "namespace", "cert-ns").ok()).isEqualTo("namespace/cert-ns created\n");
        assertThat(admin.run("get", "namespace", "cert-ns", "-o", "name").ok()).isEqualTo("namespace/cert-ns\n");
    }

    @Test
    void noClientCertificateIsUnauthorized() throws Exception {
        // (kubectl itself, given no credential for an https server, would prompt for a password)
        HttpResponse<String> r = get(sslContext(null), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body())
                .isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
    }

    @Test
    void aCertificateFromAnotherCaIsUnauthorized() throws Exception {
        // the server names its CA in the handshake; kubectl offers the certificate all the same, and gets 401
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        CertificateAuthority.Issued stranger =
                other.issueClient(ClusterPki.ADMIN_USER, List.of(ClusterPki.ADMIN_GROUP));
        Path kc = CLUSTER.dir().resolve("stranger.kubeconfig");
        Files.writeString(
                kc,
                Files.readString(admin.kubeconfig())
                        .replaceAll(
                                "client-certificate-data: .*",
                                "client-certificate-data: " + b64(stranger.certificate()))
                        .replaceAll("client-key-data: .*", "client-key-data: " + b64(stranger.key())));
        Kubectl.Result r = Kubectl.withKubeconfig(kc).run("get", "nodes");
        assertThat(r.exitCode()).isEqualTo(1);
        // word for word what kubectl 1.32 prints for a 401 from a real cluster
        assertThat(r.err())
                .endsWith("error: You must be logged in to the server "
                        + "(the server has asked for the client to provide credentials)\n");

        // a client that presents it anyway gets kube's 401 Status, not a failed handshake
        HttpResponse<String> forced = get(sslContext(stranger), null);
        assertThat(forced.statusCode()).isEqualTo(401);
        assertThat(forced.body()).contains("\"reason\":\"Unauthorized\"");
        // ... and falls through to a valid token, as kube's union authenticator does
        assertThat(get(sslContext(stranger), "t0ken").statusCode()).isEqualTo(200);
    }

    @Test
    void anyUserTheCaSignedIsAuthenticatedByCommonNameAndOrganizations() throws Exception {
        CertificateAuthority.Issued jane = CLUSTER.pki().ca().issueClient("jane", List.of("dev", "ops"));
        assertThat(get(sslContext(jane), null).statusCode()).isEqualTo(200);
        // a serving certificate of the same CA is no client credential (no client-auth usage)
        CertificateAuthority.Issued server = CLUSTER.pki().ca().issueServer("not-a-client", List.of("127.0.0.1"));
        assertThat(get(sslContext(server), null).statusCode()).isEqualTo(401);
    }

    @Test
    void tokensStillWorkBesideClientCertificates() throws Exception {
        Kubectl withToken = CLUSTER.kubectl("t0ken");
        assertThat(withToken.run("get", "namespaces", "-o", "name").ok()).contains("namespace/default\n");
    }

    @Test
    void fabric8ReadsTheSameKubeconfig() throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(admin.kubeconfig()));
        config.setRequestRetryBackoffLimit(0);
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(client.namespaces().list().getItems())
                    .extracting(ns -> ns.getMetadata().getName())
                    .contains("default", "kube-system");
        }
    }

    private static HttpResponse<String> get(SSLContext tls, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(CLUSTER.url() + "/api/v1/namespaces"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpClient client = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts the cluster CA and presents {@code cred} (null: nothing) whatever CAs the server names. */
    private static SSLContext sslContext(CertificateAuthority.Issued cred) throws Exception {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        ts.setCertificateEntry("ca", CLUSTER.pki().ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(cred == null ? null : new KeyManager[] {new Presenting(cred)}, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static final class Presenting extends X509ExtendedKeyManager {
        private final CertificateAuthority.Issued cred;

        Presenting(CertificateAuthority.Issued cred) {
            this.cred = cred;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {cred.certificate()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return cred.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private static String b64(Object certOrKey) {
        return Base64.getEncoder()
                .encodeToString(Pem.encode(certOrKey).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
