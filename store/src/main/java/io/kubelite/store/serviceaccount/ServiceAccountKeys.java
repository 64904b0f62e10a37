package io.kubelite.store.serviceaccount;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Service-account keys as kube-apiserver reads them: {@code --service-account-signing-key-file}
 * (one PEM private key, RSA or ECDSA P-256/P-384/P-521, in PKCS#8, PKCS#1 or SEC1 form) and
 * {@code --service-account-key-file} (PEM public keys, private keys or certificates; several per
 * file). Each key becomes a JWK with kube's key id: the unpadded base64url SHA-256 of the public
 * key's DER (PKIX) encoding, so a token's {@code kid} and the JWKS the API server publishes agree
 * with what kube-apiserver would say for the same key. Failures are IOExceptions with one line
 * naming the file.
 */
public final class ServiceAccountKeys {
    private ServiceAccountKeys() {}

    /** The signing key in {@code file}, as a private JWK (RS256 for RSA, ES256/384/512 by curve). */
    public static JWK signingKey(Path file) throws IOException {
        List<KeyPair> pairs = new ArrayList<>();
        for (Object o : pemObjects(file)) {
            KeyPair kp = keyPair(o, file);
            if (kp != null && kp.getPrivate() != null) {
                pairs.add(kp);
            }
        }
        if (pairs.isEmpty()) {
            throw new IOException(file + ": holds no PEM private key");
        }
        return jwk(pairs.get(0).getPublic(), pairs.get(0).getPrivate(), file);
    }

    /** Every public key of {@code files} (public keys, certificates, the public half of private keys), as JWKs. */
    public static List<JWK> publicKeys(List<Path> files) throws IOException {
        List<JWK> out = new ArrayList<>();
        for (Path f : files) {
            int before = out.size();
            for (Object o : pemObjects(f)) {
                KeyPair kp = keyPair(o, f);
                if (kp != null) {
                    out.add(jwk(kp.getPublic(), null, f));
                }
            }
            if (out.size() == before) {
                throw new IOException(f + ": holds no PEM public key, private key or certificate");
            }
        }
        return out;
    }

    /** kube's key id of {@code key}: base64url (unpadded) of SHA-256 over its PKIX DER encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The JWS algorithm kube signs with for this key. */
    public static JWSAlgorithm algorithm(JWK key) {
        if (key instanceof ECKey ec) {
            Curve c = ec.getCurve();
            if (Curve.P_384.equals(c)) {
                return JWSAlgorithm.ES384;
            }
            if (Curve.P_521.equals(c)) {
                return JWSAlgorithm.ES512;
            }
            return JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.RS256;
    }

    private static List<Object> pemObjects(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not PEM (" + e.getMessage() + ")");
        }
        return out;
    }

    /** The key pair (private half null for public keys and certificates) of one PEM object; null for other objects. */
    private static KeyPair keyPair(Object o, Path file) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try {
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp);
            }
            if (o instanceof PrivateKeyInfo info) {
                PrivateKey pk = conv.getPrivateKey(info);
                return new KeyPair(publicOf(pk, file), pk);
            }
            if (o instanceof SubjectPublicKeyInfo spki) {
                return new KeyPair(conv.getPublicKey(spki), null);
            }
            if (o instanceof X509CertificateHolder cert) {
                return new KeyPair(conv.getPublicKey(cert.getSubjectPublicKeyInfo()), null);
            }
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new IOException(file + ": unreadable key (" + e.getMessage() + ")");
        }
        return null;
    }

    /** The public key of a PKCS#8 private key (PKCS#8 carries it for EC; RSA's is derived from the CRT form). */
    private static PublicKey publicOf(PrivateKey pk, Path file) throws IOException {
        try {
            if (pk instanceof RSAPrivateCrtKey rsa) {
                return java.security.KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (pk instanceof ECPrivateKey ec) {
                // PKCS#8 EC keys from openssl carry the public point; recompute it otherwise
                org.bouncycastle.jce.spec.ECParameterSpec spec =
                        org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(ec.getParams());
                org.bouncycastle.math.ec.ECPoint q =
                        spec.getG().multiply(ec.getS()).normalize();
                java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                return java.security.KeyFactory.getInstance("EC")
                        .generatePublic(new java.security.spec.ECPublicKeySpec(w, ec.getParams()));
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(file + ": unreadable private key (" + e.getMessage() + ")");
        }
        throw new IOException(file + ": only RSA and ECDSA keys sign service-account tokens");
    }

    private static JWK jwk(PublicKey pub, PrivateKey priv, Path file) throws IOException {
        String kid = keyId(pub);
        if (pub instanceof RSAPublicKey rsa) {
            RSAKey.Builder b = new RSAKey.Builder(rsa).keyID(kid).keyUse(KeyUse.SIGNATURE);
            if (priv != null) {
                b.privateKey(priv);
            }
            RSAKey k = b.build();
            return new RSAKey.Builder(k).algorithm(JWSAlgorithm.RS256).build();
        }
        if (pub instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IOException(file + ": an ECDSA key on a curve other than P-256, P-384 or P-521");
            }
            ECKey.Builder b = new ECKey.Builder(curve, ec).keyID(kid).keyUse(KeyUse.SIGNATURE);
            if (priv != null) {
                b.privateKey(priv);
            }
            ECKey k = b.build();
            return new ECKey.Builder(k).algorithm(algorithm(k)).build();
        }
        throw new IOException(file + ": only RSA and ECDSA keys sign service-account tokens");
    }
}
