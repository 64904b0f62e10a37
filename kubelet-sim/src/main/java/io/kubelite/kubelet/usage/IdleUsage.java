package io.kubelite.kubelet.usage;

/**
 * What a container uses when nothing in it works and no annotation says otherwise: a small,
 * noisy fraction of its requests, drawn afresh every tick from a hash of the seed, the
 * container's identity and the tick's number, so that a run is repeated exactly under the
 * same {@code --usage-seed}. Pure functions.
 *
 * <ul>
 *   <li>CPU: 5–20% of the CPU request; 1–5 millicores without one; never above the limit.</li>
 *   <li>Memory: 10–20% of the memory request; without one, 4–8 MiB, at most 20% of the limit.
 *       Whole 4 KiB pages, as a working set is.</li>
 * </ul>
 */
final class IdleUsage {
    static final long PAGE = 4096;
    private static final long MIB = 1024 * 1024;

    private IdleUsage() {}

    /** A 64-bit hash of a container's identity (namespace/pod/container), stable across runs and JVMs. */
    static long identity(String key) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A uniform value in [0, 1) for (seed, identity, draw): SplitMix64's finaliser over their mix. */
    static double noise(long seed, long identity, long draw) {
        long z = seed * 0x9E3779B97F4A7C15L + identity + draw * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Idle CPU in cores for a container with these requests and limits (millicores, 0 for none). */
    static double cores(long requestMillis, long limitMillis, double noise) {
        double c = requestMillis > 0 ? requestMillis / 1000.0 * (0.05 + 0.15 * noise) : 0.001 + 0.004 * noise;
        return limitMillis > 0 ? Math.min(c, limitMillis / 1000.0) : c;
    }

    /** Idle memory in bytes for a container with these requests and limits (bytes, 0 for none). */
    static long bytes(long requestBytes, long limitBytes, double noise) {
        double b;
        if (requestBytes > 0) {
            b = requestBytes * (0.10 + 0.10 * noise);
        } else {
            b = (4 + 4 * noise) * MIB;
            if (limitBytes > 0) {
                b = Math.min(b, 0.2 * limitBytes);
            }
        }
        return pages((long) b);
    }

    /** {@code bytes} rounded down to whole pages. */
    static long pages(long bytes) {
        return bytes / PAGE * PAGE;
    }
}
