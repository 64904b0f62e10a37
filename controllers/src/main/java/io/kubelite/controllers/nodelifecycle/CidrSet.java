package io.kubelite.controllers.nodelifecycle;

import java.util.BitSet;

/**
 * The subnets of one IPv4 cluster CIDR, each of {@code maskSize} bits, as a bitmap
 * (Kubernetes' {@code cidrset}). Allocation is round-robin from the last allocation, so
 * a just-freed subnet is not handed out again at once. Not thread-safe.
 */
public final class CidrSet {
    private final long base;
    private final int clusterMask;
    private final int maskSize;
    private final int size;
    private final BitSet used;
    private int next;

    private CidrSet(long base, int clusterMask, int maskSize) {
        this.base = base;
        this.clusterMask = clusterMask;
        this.maskSize = maskSize;
        this.size = 1 << (maskSize - clusterMask);
        this.used = new BitSet(size);
    }

    /**
     * Parses {@code a.b.c.d/n} and checks {@code maskSize}; {@link IllegalArgumentException}
     * with a message naming the flag when invalid.
     */
    public static CidrSet parse(String cidr, int maskSize) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "--cluster-cidr: \"" + cidr + "\" is not an IPv4 CIDR such as 10.244.0.0/16");
        }
        int mask;
        long ip;
        try {
            mask = Integer.parseInt(parts[1]);
            ip = parseIp(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--cluster-cidr: \"" + cidr + "\" is not an IPv4 CIDR such as 10.244.0.0/16");
        }
        if (mask < 0 || mask > 32) {
            throw new IllegalArgumentException("--cluster-cidr: prefix length " + mask + " is out of range");
        }
        if (maskSize <= mask || maskSize > 32) {
            throw new IllegalArgumentException("--node-cidr-mask-size: " + maskSize
                    + " must be longer than the cluster CIDR's /" + mask + " and at most 32");
        }
        if (maskSize - mask > 24) {
            throw new IllegalArgumentException(
                    "--node-cidr-mask-size: " + maskSize + " cuts /" + mask + " into more than 2^24 subnets");
        }
        long netmask = mask == 0 ? 0 : (0xffffffffL << (32 - mask)) & 0xffffffffL;
        return new CidrSet(ip & netmask, mask, maskSize);
    }

    static long parseIp(String s) {
        String[] o = s.split("\\.");
        if (o.length != 4) {
            throw new NumberFormatException(s);
        }
        long v = 0;
        for (String x : o) {
            int b = Integer.parseInt(x);
            if (b < 0 || b > 255) {
                throw new NumberFormatException(s);
            }
            v = (v << 8) | b;
        }
        return v;
    }

    static String formatIp(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    public int size() {
        return size;
    }

    public int used() {
        return used.cardinality();
    }

    /** The next free subnet, marked used; null when the range is exhausted. */
    public String allocateNext() {
        int i = used.nextClearBit(next);
        if (i >= size) {
            i = used.nextClearBit(0);
            if (i >= size) {
                return null;
            }
        }
        used.set(i);
        next = (i + 1) % size;
        return format(i);
    }

    /** Marks {@code cidr} used; false when it is not one of this set's subnets. */
    public boolean occupy(String cidr) {
        int i = index(cidr);
        if (i < 0) {
            return false;
        }
        used.set(i);
        return true;
    }

    public void release(String cidr) {
        int i = index(cidr);
        if (i >= 0) {
            used.clear(i);
        }
    }

    public boolean isUsed(String cidr) {
        int i = index(cidr);
        return i >= 0 && used.get(i);
    }

    private String format(int i) {
        long ip = base + ((long) i << (32 - maskSize));
        return formatIp(ip) + "/" + maskSize;
    }

    /** Index of an exact subnet of this set, or -1. */
    int index(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2) {
            return -1;
        }
        try {
            if (Integer.parseInt(parts[1]) != maskSize) {
                return -1;
            }
            long ip = parseIp(parts[0]);
            long off = ip - base;
            if (off < 0 || (off & ((1L << (32 - maskSize)) - 1)) != 0) {
                return -1;
            }
            long i = off >> (32 - maskSize);
            return i < size ? (int) i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return formatIp(base) + "/" + clusterMask + " in /" + maskSize + " subnets";
    }
}
