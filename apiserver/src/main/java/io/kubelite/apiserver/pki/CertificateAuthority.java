package io.kubelite.apiserver.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that issues what a cluster needs, shaped as kubeadm's: a self-signed
 * CA ({@code CN=kubelite-ca}, 10 years), serving certificates (server auth, with IP and DNS
 * SANs) and client certificates (client auth; CN = user, one O per group: the names
 * kube-apiserver's {@code --client-ca-file} authentication reads), each for {@link #LEAF_VALIDITY}.
 * Keys are RSA 2048, kubeadm's default: the one kind every client reads from a kubeconfig
 * (fabric8 does not read PKCS#8 EC keys).
 */
public final class CertificateAuthority {
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    private static final String SIGNATURE = "SHA256withRSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {}

    private final X509Certificate cert;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate cert, PrivateKey key) {
        this.cert = cert;
        this.key = key;
    }

    public X509Certificate certificate() {
        return cert;
    }

    public PrivateKey key() {
        return key;
    }

    /** A new self-signed CA named {@code commonName}. */
    public static CertificateAuthority create(String commonName) {
        try {
            KeyPair kp = newKeyPair();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, commonName)
                    .build();
            X509v3CertificateBuilder b = builder(name, name, kp, CA_VALIDITY);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new CertificateAuthority(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
        }
    }

    /** A serving certificate for {@code sans}: IP addresses become IP SANs, anything else a DNS SAN. */
    public Issued issueServer(String commonName, List<String> sans) {
        List<GeneralName> names = new ArrayList<>();
        for (String san : sans) {
            names.add(
                    isIpAddress(san)
                            ? new GeneralName(GeneralName.iPAddress, san)
                            : new GeneralName(GeneralName.dNSName, san));
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .build();
        return issue(subject, KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** A client certificate for user {@code user} in {@code groups} (CN = user, O = each group). */
    public Issued issueClient(String user, List<String> groups) {
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String g : groups) {
            subject.addRDN(BCStyle.O, g);
        }
        subject.addRDN(BCStyle.CN, user);
        return issue(subject.build(), KeyPurposeId.id_kp_clientAuth, null);
    }

    private Issued issue(X500Name subject, KeyPurposeId purpose, GeneralNames sans) {
        try {
            KeyPair kp = newKeyPair();
            X500Name issuer =
                    X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = builder(issuer, subject, kp, LEAF_VALIDITY);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new Issued(sign(b, key), kp.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code leaf} carries this CA's valid signature. */
    public boolean signed(X509Certificate leaf) {
        try {
            leaf.verify(cert.getPublicKey());
            return leaf.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Duration validity) {
        // a minute of slack backwards: a client whose clock is a little behind still accepts it
        Instant now = Instant.now().minus(Duration.ofMinutes(1));
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now),
                Date.from(now.plus(validity)),
                subject,
                kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    /** An IPv4 or IPv6 literal; never a DNS lookup. */
    static boolean isIpAddress(String s) {
        if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return true;
        }
        if (s.contains(":") && s.matches("[0-9a-fA-F:.]+")) {
            try {
                InetAddress.getByName(s); // a literal: parsed, not resolved
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
