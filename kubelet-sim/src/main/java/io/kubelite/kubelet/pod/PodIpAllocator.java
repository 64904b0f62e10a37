package io.kubelite.kubelet.pod;

import java.util.HashMap;
import java.util.Map;

/**
 * Pod IPs for one node from its IPv4 podCIDR: the network address, the gateway
 * ({@code .1}) and the broadcast address are never handed out; allocation goes round the
 * range so a freed address is not reused at once. Thread-safe.
 */
public final class PodIpAllocator {
    private final String cidr;
    private final long base;
    private final long size;
    private final Map<Long, String> used = new HashMap<>();
    private final Map<String, Long> byOwner = new HashMap<>();
    private long cursor;

    public PodIpAllocator(String cidr) {
        this.cidr = cidr;
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (bits < 8 || bits > 30) {
            throw new IllegalArgumentException("podCIDR " + cidr + ": prefix length must be 8..30");
        }
        long ip = parse(cidr.substring(0, slash));
        this.size = 1L << (32 - bits);
        this.base = ip & ~(size - 1);
        this.cursor = 2;
    }

    public String cidr() {
        return cidr;
    }

    static long parse(String ip) {
        String[] p = ip.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String s : p) {
            int o = Integer.parseInt(s);
            if (o < 0 || o > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            v = (v << 8) | o;
        }
        return v;
    }

    static String format(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    /** An address for {@code owner} (the same one if it has one), or null when the range is full. */
    public synchronized String allocate(String owner) {
        Long have = byOwner.get(owner);
        if (have != null) {
            return format(base + have);
        }
        long usable = size - 3;
        for (long i = 0; i < usable; i++) {
            long off = cursor;
            cursor = cursor + 1 >= size - 1 ? 2 : cursor + 1;
            if (!used.containsKey(off)) {
                used.put(off, owner);
                byOwner.put(owner, off);
                return format(base + off);
            }
        }
        return null;
    }

    /** Records an address a previous simulator process gave {@code owner}; false if outside the range or taken by another. */
    public synchronized boolean reserve(String ip, String owner) {
        long off;
        try {
            off = parse(ip) - base;
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (off < 2 || off >= size - 1) {
            return false;
        }
        String cur = used.get(off);
        if (cur != null && !cur.equals(owner)) {
            return false;
        }
        used.put(off, owner);
        byOwner.put(owner, off);
        return true;
    }

    public synchronized void release(String owner) {
        Long off = byOwner.remove(owner);
        if (off != null) {
            used.remove(off);
        }
    }

    public synchronized int inUse() {
        return used.size();
    }

    /**
     * The {@code index}-th /24 (or smaller, to fit) of a fallback range, for nodes that
     * have no podCIDR from a controller-manager.
     */
    public static String subnet(String fallbackCidr, int index, int prefix) {
        int slash = fallbackCidr.indexOf('/');
        int bits = Integer.parseInt(fallbackCidr.substring(slash + 1));
        if (prefix < bits) {
            throw new IllegalArgumentException(
                    "--pod-cidr-fallback " + fallbackCidr + " is smaller than one /" + prefix);
        }
        long count = 1L << (prefix - bits);
        if (index >= count) {
            throw new IllegalArgumentException("--pod-cidr-fallback " + fallbackCidr + " has room for only " + count
                    + " /" + prefix + " node ranges, node #" + (index + 1) + " needs one more");
        }
        long base = parse(fallbackCidr.substring(0, slash)) & ~((1L << (32 - bits)) - 1);
        return format(base + index * (1L << (32 - prefix))) + "/" + prefix;
    }
}
