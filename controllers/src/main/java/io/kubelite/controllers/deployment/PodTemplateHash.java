package io.kubelite.controllers.deployment;

import com.google.protobuf.CodedOutputStream;
import io.kubelite.api.PodTemplateSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * kube's {@code controller.ComputeHash}: the {@code pod-template-hash} label value and the suffix of
 * a Deployment's ReplicaSet names. FNV-32a over the template, then the collision count as 8
 * little-endian bytes (when set), the 32-bit sum printed in decimal and encoded with
 * {@code rand.SafeEncodeString} (so it holds no vowels and never spells words).
 *
 * <p>kube hashes Go's spew dump of the template struct, which has no Java equivalent; here the
 * input is the template's deterministic protobuf encoding (map entries sorted). The value is
 * therefore not kube's for the same template, but it has the same properties: stable across
 * processes and leaders, changed by any change of the template or of the collision count.
 */
public final class PodTemplateHash {
    static final String LABEL = "pod-template-hash";
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private PodTemplateHash() {}

    public static String compute(PodTemplateSpec template, Integer collisionCount) {
        int h = FNV_OFFSET;
        for (byte b : deterministicBytes(template)) {
            h ^= (b & 0xff);
            h *= FNV_PRIME;
        }
        if (collisionCount != null) {
            int c = collisionCount;
            for (int i = 0; i < 8; i++) {
                int b = i < 4 ? (c >>> (8 * i)) & 0xff : 0;
                h ^= b;
                h *= FNV_PRIME;
            }
        }
        return safeEncode(Integer.toUnsignedString(h));
    }

    /** {@code k8s.io/apimachinery/pkg/util/rand.SafeEncodeString}. */
    static String safeEncode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.append(ALPHANUMS.charAt(s.charAt(i) % ALPHANUMS.length()));
        }
        return b.toString();
    }

    private static byte[] deterministicBytes(PodTemplateSpec t) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(t.getSerializedSize());
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            cos.useDeterministicSerialization();
            t.writeTo(cos);
            cos.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
