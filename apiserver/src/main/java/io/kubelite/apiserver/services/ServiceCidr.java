package io.kubelite.apiserver.services;

/**
 * An IPv4 range Services get their ClusterIPs from ({@code --service-cluster-ip-range}). The
 * network and broadcast addresses are never handed out; the first usable address is the
 * {@code kubernetes} Service's, so dynamic allocation skips it too (kube reserves it the same
 * way by creating that Service first).
 */
public record ServiceCidr(long base, int prefixLength) {
    public static final ServiceCidr DEFAULT = parse("10.96.0.0/12");

    public ServiceCidr {
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("a service IP range needs a prefix length between 1 and 30, not /"
                    + prefixLength + " (kubelite serves IPv4 only)");
        }
    }

    /** Parses {@code a.b.c.d/n}; host bits are cleared as Go's {@code net.ParseCIDR} does. */
    public static ServiceCidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        long ip = parseIp(cidr.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        if (ip < 0 || bits < 0 || bits > 32) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return new ServiceCidr(ip & mask, bits);
    }

    /** The address as a number, or -1 when {@code s} is not a dotted-quad IPv4 address. */
    public static long parseIp(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int n = Integer.parseInt(p);
            if (n > 255) {
                return -1;
            }
            v = (v << 8) | n;
        }
        return v;
    }

    public static String format(long ip) {
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
    }

    /** Addresses in the block, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The first usable address: the {@code kubernetes} Service's ClusterIP. */
    public String first() {
        return format(base + 1);
    }

    /** True when {@code ip} may be a ClusterIP: inside the block, not its network or broadcast address. */
    public boolean contains(long ip) {
        return ip > base && ip < base + size() - 1;
    }

    /** The {@code i}-th address open to dynamic allocation (0-based; after the first usable one). */
    public String dynamic(long i) {
        return format(base + 2 + i);
    }

    /** How many addresses dynamic allocation may hand out. */
    public long dynamicSize() {
        return Math.max(0, size() - 3);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefixLength;
    }
}
