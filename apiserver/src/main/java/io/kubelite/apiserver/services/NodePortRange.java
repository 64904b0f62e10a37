package io.kubelite.apiserver.services;

/** The ports NodePort and LoadBalancer Services get their node ports from ({@code --service-node-port-range}). */
public record NodePortRange(int base, int size) {
    public static final NodePortRange DEFAULT = parse("30000-32767");

    public NodePortRange {
        if (base < 1 || size < 1 || base + size - 1 > 65535) {
            throw new IllegalArgumentException("invalid port range " + base + "+" + size);
        }
    }

    /** Parses {@code from-to} (inclusive) or a single port, as kube's {@code utilnet.ParsePortRange}. */
    public static NodePortRange parse(String s) {
        try {
            String[] parts = s.trim().split("-", -1);
            int from = Integer.parseInt(parts[0]);
            int to = parts.length == 1 ? from : Integer.parseInt(parts[1]);
            if (parts.length > 2 || to < from) {
                throw new NumberFormatException();
            }
            return new NodePortRange(from, to - from + 1);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unable to parse port range: " + s, e);
        }
    }

    public boolean contains(int port) {
        return port >= base && port < base + size;
    }

    @Override
    public String toString() {
        return base + "-" + (base + size - 1);
    }
}
