package io.kubelite.kubelet.network;

import java.util.regex.Pattern;

/** Address checks without a name lookup ({@code InetAddress.getByName} would resolve names). */
final class IpAddresses {
    private static final Pattern V4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]+");

    private IpAddresses() {}

    static boolean isV4(String s) {
        return V4.matcher(s).matches();
    }

    /** An IPv4 dotted quad, or something shaped like an IPv6 literal (hex digits and colons, at least two). */
    static boolean isLiteral(String s) {
        return isV4(s)
                || (s.chars().filter(c -> c == ':').count() >= 2
                        && V6.matcher(s).matches());
    }

    /** 127.0.0.0/8, ::1 and {@code localhost}: the pod's (or the host's) own loopback. */
    static boolean isLoopback(String s) {
        return s.equals("localhost") || s.equals("::1") || (isV4(s) && s.startsWith("127."));
    }

    /** Whether IPv4 {@code ip} is inside {@code cidr} (a.b.c.d/n); false for anything else. */
    static boolean inCidr(String ip, String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !isV4(ip) || !isV4(cidr.substring(0, slash))) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (bits < 0 || bits > 32) {
            return false;
        }
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (v4(ip) & mask) == (v4(cidr.substring(0, slash)) & mask);
    }

    private static long v4(String ip) {
        long v = 0;
        for (String p : ip.split("\\.")) {
            v = (v << 8) | Integer.parseInt(p);
        }
        return v;
    }
}
