package io.kubelite.kubelet.shell;

/** Whether a host is written as an address, which needs no lookup. */
final class IpLiteral {
    private IpLiteral() {}

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 address, or an IPv6 one (with or without brackets). */
    static boolean isAddress(String s) {
        return isIpv4(s) || (s.indexOf(':') >= 0 && s.replaceAll("[\\[\\]]", "").matches("[0-9A-Fa-f:.]+"));
    }
}
