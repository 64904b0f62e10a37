package io.kubelite.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's iptables chain names: a prefix and the first 16 characters of the base32
 * (RFC 4648, upper case) SHA-256 of the service port name, the lower-case protocol and, for
 * endpoint chains, {@code ip:port} — exactly as pkg/proxy/iptables portProtoHash and
 * servicePortEndpointChainName build them, so names match a real node's.
 */
public final class ChainNames {
    private ChainNames() {}

    /** {@code KUBE-SVC-…}: the Cluster traffic policy chain. */
    public static String cluster(String servicePortName, String protocol) {
        return "KUBE-SVC-" + hash16(servicePortName + protocol);
    }

    /** {@code KUBE-SVL-…}: the Local traffic policy chain. */
    public static String local(String servicePortName, String protocol) {
        return "KUBE-SVL-" + hash16(servicePortName + protocol);
    }

    /** {@code KUBE-EXT-…}: where all external destinations (NodePorts) jump first. */
    public static String external(String servicePortName, String protocol) {
        return "KUBE-EXT-" + hash16(servicePortName + protocol);
    }

    /** {@code KUBE-SEP-…}: one endpoint's DNAT chain. */
    public static String endpoint(String servicePortName, String protocol, String endpoint) {
        return "KUBE-SEP-" + hash16(servicePortName + protocol + endpoint);
    }

    static String hash16(String in) {
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(in.getBytes(StandardCharsets.UTF_8));
            return base32(sum).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** RFC 4648 base32 without padding (only a prefix is ever used). */
    private static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
