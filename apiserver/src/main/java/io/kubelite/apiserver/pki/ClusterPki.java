package io.kubelite.apiserver.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster's certificates in one directory, named as kubeadm names them under
 * {@code /etc/kubernetes/pki}: {@code ca.crt}/{@code ca.key} (the cluster CA, which
 * kube-apiserver's {@code --client-ca-file} also names), {@code apiserver.crt}/{@code .key}
 * (serving, SANs 127.0.0.1, localhost and the extras asked for) and {@code admin.crt}/{@code .key}
 * (client, {@code CN=kubernetes-admin, O=system:masters}) and {@code sa.key}/{@code sa.pub} (the
 * service-account token signing key pair, RSA 2048 as kubeadm's: kube-apiserver's
 * {@code --service-account-signing-key-file} and {@code --service-account-key-file}, the
 * controller-manager's {@code --service-account-private-key-file}; every API server replica must
 * share it).
 *
 * <p>{@link #ensure} makes what is missing and keeps what is there, so a kubeconfig written
 * once stays valid across restarts: the CA is never replaced; a leaf certificate is reissued
 * only when it is not this CA's, expires within {@link #RENEW_BEFORE}, or (serving) lacks a
 * SAN now asked for; the service-account key pair is never replaced (tokens signed with it would
 * stop working). Keys are written 0600.
 */
public final class ClusterPki {
    public static final List<String> DEFAULT_SANS = List.of("127.0.0.1", "localhost");
    public static final String ADMIN_USER = "kubernetes-admin";
    public static final String ADMIN_GROUP = "system:masters";
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path dir;
    private final CertificateAuthority ca;
    private final List<String> actions;

    private ClusterPki(Path dir, CertificateAuthority ca, List<String> actions) {
        this.dir = dir;
        this.ca = ca;
        this.actions = List.copyOf(actions);
    }

    /**
     * Makes or reuses the CA, the serving certificate (for {@link #DEFAULT_SANS} plus {@code
     * extraSans}) and the admin client certificate in {@code dir}. IOException with a one-line
     * message on unreadable or inconsistent files.
     */
    public static ClusterPki ensure(Path dir, List<String> extraSans) throws IOException {
        createPrivateDirectory(dir);
        List<String> actions = new ArrayList<>();
        ClusterPki pki = withServing(dir, extraSans, actions);
        ensureServiceAccountKey(dir, actions);
        X509Certificate admin = pki.reusable(pki.adminCert(), pki.adminKey(), actions);
        if (admin == null) {
            pki.write(pki.ca.issueClient(ADMIN_USER, List.of(ADMIN_GROUP)), pki.adminCert(), pki.adminKey());
            actions.add("issued admin.crt (" + ADMIN_USER + ", " + ADMIN_GROUP + ")");
        }
        return new ClusterPki(dir, pki.ca, actions);
    }

    /**
     * Makes or reuses only the CA and the serving certificate in {@code dir}, by the same rules
     * as {@link #ensure}: what an API server started without {@code --tls-cert-file} serves with
     * (kube-apiserver's {@code --cert-dir}). A missing {@code dir} is created owner-only (0700).
     * Processes sharing {@code dir} take turns through a lock on {@code dir/.lock}, so replicas
     * started together make one CA, not two half-written ones.
     */
    public static ClusterPki ensureServing(Path dir, List<String> extraSans) throws IOException {
        createPrivateDirectory(dir);
        try (FileChannel lockFile =
                        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            List<String> actions = new ArrayList<>();
            ClusterPki pki = withServing(dir, extraSans, actions);
            ensureServiceAccountKey(dir, actions);
            return new ClusterPki(dir, pki.ca, actions);
        }
    }

    /** Creates a missing {@code dir} owner-only (0700): it holds keys. An existing one is left as it is. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not a POSIX file system: the OS's defaults apply
        }
    }

    /** The CA and the serving certificate, made or reused; what was done goes to {@code actions}. */
    private static ClusterPki withServing(Path dir, List<String> extraSans, List<String> actions) throws IOException {
        CertificateAuthority ca = loadOrCreateCa(dir, actions);
        Set<String> sans = new LinkedHashSet<>(DEFAULT_SANS);
        for (String s : extraSans) {
            if (!s.isBlank()) {
                sans.add(s.trim());
            }
        }
        ClusterPki pki = new ClusterPki(dir, ca, actions);
        X509Certificate server = pki.reusable(pki.serverCert(), pki.serverKey(), actions);
        if (server != null && !sansOf(server).containsAll(normalized(sans))) {
            actions.add("apiserver.crt lacks a SAN of " + sans + ": reissued");
            server = null;
        }
        if (server == null) {
            pki.write(ca.issueServer("kube-apiserver", List.copyOf(sans)), pki.serverCert(), pki.serverKey());
            actions.add("issued apiserver.crt for " + String.join(", ", sans));
        }
        return pki;
    }

    /** Makes {@code sa.key}/{@code sa.pub} when missing; a half pair is an error, as for the CA. */
    private static void ensureServiceAccountKey(Path dir, List<String> actions) throws IOException {
        Path key = dir.resolve("sa.key");
        Path pub = dir.resolve("sa.pub");
        if (Files.exists(key) != Files.exists(pub)) {
            throw new IOException(dir + ": has " + (Files.exists(key) ? "sa.key but no sa.pub" : "sa.pub but no sa.key")
                    + "; restore the missing file or remove both to make a new service-account key"
                    + " (which invalidates every service-account token)");
        }
        if (Files.exists(key)) {
            Pem.readPrivateKey(key); // unreadable keys fail here, not in the API server
            actions.add("reused sa.key");
            return;
        }
        java.security.KeyPair kp;
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            kp = g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot make an RSA key: " + e.getMessage(), e);
        }
        Pem.writeSecret(key, Pem.encode(kp.getPrivate()));
        Pem.writePublic(pub, Pem.encode(kp.getPublic()));
        actions.add("created the service-account key pair sa.key, sa.pub");
    }

    private static CertificateAuthority loadOrCreateCa(Path dir, List<String> actions) throws IOException {
        Path crt = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        if (Files.exists(crt) != Files.exists(key)) {
            throw new IOException(dir + ": has " + (Files.exists(crt) ? "ca.crt but no ca.key" : "ca.key but no ca.crt")
                    + "; restore the missing file or remove both to make a new CA");
        }
        if (Files.exists(crt)) {
            X509Certificate cert = Pem.readCertificates(crt).get(0);
            PrivateKey pk = Pem.readPrivateKey(key);
            if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
                throw new IOException(crt + ": the CA expired on "
                        + cert.getNotAfter().toInstant() + "; remove ca.crt and ca.key to make a new one");
            }
            actions.add("reused the CA " + crt);
            return new CertificateAuthority(cert, pk);
        }
        CertificateAuthority ca = CertificateAuthority.create("kubelite-ca");
        Pem.writeSecret(key, Pem.encode(ca.key()));
        Pem.writePublic(crt, Pem.encode(ca.certificate()));
        actions.add("created the CA " + crt);
        return ca;
    }

    /** The certificate in {@code crt} when it can stay: key present, this CA's, not about to expire. */
    private X509Certificate reusable(Path crt, Path key, List<String> actions) throws IOException {
        if (!Files.exists(crt) || !Files.exists(key)) {
            return null;
        }
        X509Certificate cert = Pem.readCertificates(crt).get(0);
        Pem.readPrivateKey(key); // unreadable keys fail here, not in the API server
        if (!ca.signed(cert)) {
            actions.add(crt.getFileName() + " is not signed by this CA: reissued");
            return null;
        }
        if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            actions.add(crt.getFileName() + " expires " + cert.getNotAfter().toInstant() + ": reissued");
            return null;
        }
        actions.add("reused " + crt.getFileName());
        return cert;
    }

    private void write(CertificateAuthority.Issued issued, Path crt, Path key) throws IOException {
        Pem.writeSecret(key, Pem.encode(issued.key()));
        Pem.writePublic(crt, Pem.encode(issued.certificate()));
    }

    private static Set<String> sansOf(X509Certificate cert) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    out.add(normalize(san.get(1).toString()));
                }
            }
        } catch (CertificateParsingException e) {
            throw new IOException("unreadable subject alternative names: " + e.getMessage());
        }
        return out;
    }

    private static Set<String> normalized(Set<String> sans) {
        Set<String> out = new LinkedHashSet<>();
        sans.forEach(s -> out.add(normalize(s)));
        return out;
    }

    private static String normalize(String san) {
        if (CertificateAuthority.isIpAddress(san)) {
            try {
                return java.net.InetAddress.getByName(san).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return san;
            }
        }
        return san.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A kubeconfig for {@code server} that kubectl, kl and fabric8 use unchanged: the CA as
     * {@code certificate-authority-data}, the admin's certificate and key as {@code
     * client-certificate-data}/{@code client-key-data}, context namespace {@code default}. It holds
     * the admin's key: write it with {@link Pem#writeSecret}.
     */
    public String adminKubeconfig(String server, String clusterName) throws IOException {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String ca = b64.encodeToString(Files.readAllBytes(caCert()));
        String crt = b64.encodeToString(Files.readAllBytes(adminCert()));
        String key = b64.encodeToString(Files.readAllBytes(adminKey()));
        String user = clusterName + "-admin";
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                    certificate-authority-data: %3$s
                users:
                - name: %4$s
                  user:
                    client-certificate-data: %5$s
                    client-key-data: %6$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %4$s
                    namespace: default
                current-context: %1$s
                """.formatted(clusterName, server, ca, user, crt, key);
    }

    /** What {@link #ensure} did, one line per file ("created the CA ...", "reused admin.crt", ...). */
    public List<String> actions() {
        return actions;
    }

    public Path dir() {
        return dir;
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca.key");
    }

    public Path serverCert() {
        return dir.resolve("apiserver.crt");
    }

    public Path serverKey() {
        return dir.resolve("apiserver.key");
    }

    /** The service-account token signing key (private). */
    public Path serviceAccountKey() {
        return dir.resolve("sa.key");
    }

    /** The service-account token verification key (public). */
    public Path serviceAccountPublicKey() {
        return dir.resolve("sa.pub");
    }

    public Path adminCert() {
        return dir.resolve("admin.crt");
    }

    public Path adminKey() {
        return dir.resolve("admin.key");
    }
}
