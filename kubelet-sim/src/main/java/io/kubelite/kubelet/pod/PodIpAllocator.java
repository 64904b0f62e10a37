package io.kubelite.kubelet.pod;

import java.util.Arrays;

/**
 * Pod IPs for one node from its IPv4 podCIDR: the network address, the gateway
 * ({@code .1}) and the broadcast address are never handed out; allocation goes round the
 * range so a freed address is not reused at once. Thread-safe.
 *
 * <p>The owner of each address is one slot of an array indexed by the address's offset in the
 * range, grown as the cursor goes up, rather than two hash maps (address to owner and back):
 * those took some 100 bytes per pod (two entries, two boxed offsets, their tables), the array
 * takes 4 to 6. A node holds a few hundred pods at most, so finding an owner's address is a
 * scan of that array.
 */
public final class PodIpAllocator {
    private final String cidr;
    private final long base;
    private final long size;
    /** The owner of the address at each offset, null where free; as long as the highest offset used so far. */
    private String[] owners = new String[0];

    private int inUse;
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
        int have = offsetOf(owner);
        if (have >= 0) {
            return format(base + have);
        }
        long usable = size - 3;
        for (long i = 0; i < usable; i++) {
            long off = cursor;
            cursor = cursor + 1 >= size - 1 ? 2 : cursor + 1;
            if (ownerAt(off) == null) {
                take(off, owner);
                return format(base + off);
            }
        }
        return null;
    }

    /** The offset of {@code owner}'s address, or -1. */
    private int offsetOf(String owner) {
        for (int i = 0; i < owners.length; i++) {
            if (owner.equals(owners[i])) {
                return i;
            }
        }
        return -1;
    }

    private String ownerAt(long off) {
        return off < owners.length ? owners[(int) off] : null;
    }

    private void take(long off, String owner) {
        if (off >= owners.length) {
            // grown by half again (at least to the offset): a cursor going up takes a few copies
            long grown = Math.max(off + 1, owners.length + (owners.length >> 1));
            owners = Arrays.copyOf(owners, (int) Math.min(size, grown));
        }
        if (owners[(int) off] == null) {
            inUse++;
        }
        owners[(int) off] = owner;
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
        String cur = ownerAt(off);
        if (cur != null && !cur.equals(owner)) {
            return false;
        }
        int had = offsetOf(owner);
        if (had >= 0 && had != off) {
            // an owner has one address: the reserved one from now on
            owners[had] = null;
            inUse--;
        }
        take(off, owner);
        return true;
    }

    public synchronized void release(String owner) {
        int off = offsetOf(owner);
        if (off >= 0) {
            owners[off] = null;
            inUse--;
        }
    }

    public synchronized int inUse() {
        return inUse;
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
