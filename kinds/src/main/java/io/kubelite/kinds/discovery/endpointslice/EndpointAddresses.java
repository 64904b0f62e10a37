package io.kubelite.kinds.discovery.endpointslice;

import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * kube's checks of one EndpointSlice address for its slice's address type: {@code
 * IsValidIPv4Address} / {@code IsValidIPv6Address} plus {@code ValidateNonSpecialIP}, and {@code
 * IsFullyQualifiedDomainName}. Parses literals only: nothing here ever resolves a name.
 */
final class EndpointAddresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Only hex digits, colons and dots reach InetAddress, which then parses a literal and never looks anything up. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private EndpointAddresses() {}

    /** Adds kube's errors for {@code address} in a slice of {@code type} (unknown types are not checked). */
    static void validate(String type, String field, String address, FieldErrors errs) {
        switch (type) {
            case "IPv4" -> {
                InetAddress ip = ipv4(address);
                if (ip == null) {
                    errs.invalid(field, address, "must be a valid IPv4 address");
                }
                nonSpecial(field, address, ip != null ? ip : ipv6(address), errs);
            }
            case "IPv6" -> {
                InetAddress ip = ipv6(address);
                if (ip == null) {
                    errs.invalid(field, address, "must be a valid IPv6 address");
                }
                nonSpecial(field, address, ip != null ? ip : ipv4(address), errs);
            }
            case "FQDN" -> fqdn(field, address, errs);
            default -> {}
        }
    }

    /** kube's {@code ValidateNonSpecialIP}; {@code ip} is the parsed address of either family, or null. */
    private static void nonSpecial(String field, String address, InetAddress ip, FieldErrors errs) {
        if (ip == null) {
            errs.invalid(field, address, "must be a valid IP address");
            return;
        }
        if (ip.isAnyLocalAddress()) {
            errs.invalid(field, address, "may not be unspecified (" + address + ")");
        }
        if (ip.isLoopbackAddress()) {
            errs.invalid(field, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
        }
        if (ip.isLinkLocalAddress()) {
            errs.invalid(field, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
        }
        if (ip.isMCLinkLocal()) {
            errs.invalid(field, address, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
        }
    }

    /** A dotted-quad IPv4 address (Go's sloppy parse: leading zeros allowed), or null. */
    static InetAddress ipv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(m.group(i + 1));
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 literal that is not an IPv4 one in disguise ({@code ::ffff:a.b.c.d}, as Go's {@code To4}), or null. */
    static InetAddress ipv6(String s) {
        if (!IPV6_CHARS.matcher(s).matches()) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            return a instanceof Inet6Address ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** kube's {@code IsFullyQualifiedDomainName}: a DNS subdomain of at least two labels, a trailing dot allowed. */
    private static void fqdn(String field, String address, FieldErrors errs) {
        if (address.isEmpty()) {
            errs.required(field);
            return;
        }
        String name = address.endsWith(".") ? address.substring(0, address.length() - 1) : address;
        String sub = Names.dns1123SubdomainError(name);
        if (sub != null) {
            errs.invalid(field, name, sub);
            return;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            errs.invalid(field, name, "should be a domain with at least two segments separated by dots");
            return;
        }
        for (String l : labels) {
            String le = Names.dns1123LabelError(l);
            if (le != null) {
                errs.invalid(field, l, le);
                return;
            }
        }
    }
}
