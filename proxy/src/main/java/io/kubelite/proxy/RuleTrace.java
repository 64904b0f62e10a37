package io.kubelite.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Follows {@code iptables-save} rules (as {@link IptablesRules} writes them) for the first
 * packet of a new connection and says where it ends: DNAT to an endpoint, REJECT or DROP in the
 * filter table, or no service rule at all.
 *
 * <p>It starts in nat KUBE-SERVICES (PREROUTING/OUTPUT both jump there), then, if nothing
 * DNATed, the filter table's KUBE-SERVICES and, for node-local destinations,
 * KUBE-EXTERNAL-SERVICES. {@code statistic --probability} rules draw from a {@link Random} seeded
 * by the seed, source and destination, so one input always gives one answer and different
 * seeds spread over the endpoints as kube's probabilities do. {@code recent --rcheck} never
 * matches: a new connection has no affinity entry yet.
 */
public final class RuleTrace {
    /**
     * The outcome: {@code chains} in the order the packet entered them, {@code verdict} one of
     * {@code DNAT}, {@code REJECT}, {@code DROP} or {@code NONE}, {@code endpoint} the DNAT
     * destination ({@code null} otherwise) and whether the packet was marked for masquerade.
     */
    public record Result(List<String> chains, String verdict, String endpoint, boolean masquerade) {
        public Result {
            chains = List.copyOf(chains);
        }

        /** One line per hop, then the verdict, for {@code kl proxy trace}. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            for (String c : chains) {
                b.append(c).append('\n');
            }
            b.append("=> ").append(verdict);
            if (endpoint != null) {
                b.append(' ').append(endpoint);
            }
            if (masquerade) {
                b.append(" (masqueraded)");
            }
            return b.append('\n').toString();
        }
    }

    private final Map<String, Map<String, List<List<String>>>> tables;

    private RuleTrace(Map<String, Map<String, List<List<String>>>> tables) {
        this.tables = tables;
    }

    /** Parses an iptables-save text; rejects lines it cannot tokenize. */
    public static RuleTrace of(String iptablesSave) {
        Map<String, Map<String, List<List<String>>>> tables = new LinkedHashMap<>();
        Map<String, List<List<String>>> current = null;
        for (String line : iptablesSave.split("\n")) {
            if (line.startsWith("*")) {
                current = tables.computeIfAbsent(line.substring(1), k -> new LinkedHashMap<>());
            } else if (line.startsWith(":") && current != null) {
                current.computeIfAbsent(line.substring(1, line.indexOf(' ')), k -> new ArrayList<>());
            } else if (line.startsWith("-A ") && current != null) {
                List<String> tokens = tokenize(line);
                current.computeIfAbsent(tokens.get(1), k -> new ArrayList<>()).add(tokens.subList(2, tokens.size()));
            }
        }
        return new RuleTrace(tables);
    }

    /**
     * Traces a new {@code protocol} connection from {@code srcIp} to {@code dstIp:dstPort}.
     * {@code localIps} are the node's own addresses (for {@code addrtype LOCAL}): a connection to
     * one of them on a node port is NodePort traffic, one from one of them is host traffic.
     */
    public Result trace(String srcIp, String dstIp, int dstPort, String protocol, Set<String> localIps, long seed) {
        var walk = new Walk(
                srcIp,
                dstIp,
                dstPort,
                protocol.toLowerCase(java.util.Locale.ROOT),
                localIps,
                new Random(Objects.hash(seed, srcIp, dstIp, dstPort)));
        String verdict = walk.run(tables.getOrDefault("nat", Map.of()), "KUBE-SERVICES");
        if (verdict == null) {
            verdict = walk.run(tables.getOrDefault("filter", Map.of()), "KUBE-SERVICES");
        }
        if (verdict == null && localIps.contains(dstIp)) {
            verdict = walk.run(tables.getOrDefault("filter", Map.of()), "KUBE-EXTERNAL-SERVICES");
        }
        return new Result(walk.path, verdict == null ? "NONE" : verdict, walk.endpoint, walk.masquerade);
    }

    private static final class Walk {
        final String src;
        final String dst;
        final int dport;
        final String proto;
        final Set<String> local;
        final Random random;
        final List<String> path = new ArrayList<>();
        String endpoint;
        boolean masquerade;

        Walk(String src, String dst, int dport, String proto, Set<String> local, Random random) {
            this.src = src;
            this.dst = dst;
            this.dport = dport;
            this.proto = proto;
            this.local = local;
            this.random = random;
        }

        /** A terminal verdict, or null when the chain falls through. */
        String run(Map<String, List<List<String>>> table, String chain) {
            if (path.size() > 64) {
                throw new IllegalStateException("rule loop through " + chain);
            }
            path.add(chain);
            for (List<String> rule : table.getOrDefault(chain, List.of())) {
                if (!matches(rule)) {
                    continue;
                }
                int j = rule.indexOf("-j");
                String target = rule.get(j + 1);
                switch (target) {
                    case "KUBE-MARK-MASQ" -> masquerade = true;
                    case "RETURN" -> {
                        return null;
                    }
                    case "ACCEPT" -> {
                        return "ACCEPT";
                    }
                    case "REJECT", "DROP" -> {
                        return target;
                    }
                    case "DNAT" -> {
                        endpoint = rule.get(rule.indexOf("--to-destination") + 1);
                        return "DNAT";
                    }
                    default -> {
                        if (table.containsKey(target)) {
                            String v = run(table, target);
                            if (v != null) {
                                return v;
                            }
                        }
                    }
                }
            }
            return null;
        }

        private boolean matches(List<String> r) {
            for (int i = 0; i < r.size(); i++) {
                boolean negate = r.get(i).equals("!");
                String opt = negate ? r.get(++i) : r.get(i);
                String arg = i + 1 < r.size() ? r.get(i + 1) : "";
                Boolean ok = switch (opt) {
                    case "-p" -> arg.equals(proto);
                    case "-d" -> inCidr(dst, arg);
                    case "-s" -> inCidr(src, arg);
                    case "--dport" -> arg.equals(Integer.toString(dport));
                    case "--dst-type" -> local.contains(dst) == arg.equals("LOCAL");
                    case "--src-type" -> local.contains(src) == arg.equals("LOCAL");
                    case "--probability" -> random.nextDouble() < Double.parseDouble(arg);
                    case "--rcheck" -> false;
                    default -> null;
                };
                if (ok != null && ok == negate) {
                    return false;
                }
            }
            return true;
        }
    }

    static boolean inCidr(String ip, String cidr) {
        int slash = cidr.indexOf('/');
        int bits = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        long a = ipv4(ip);
        long b = ipv4(slash < 0 ? cidr : cidr.substring(0, slash));
        if (a < 0 || b < 0) {
            return false;
        }
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (a & mask) == (b & mask);
    }

    private static long ipv4(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            try {
                int o = Integer.parseInt(p);
                if (o < 0 || o > 255) {
                    return -1;
                }
                v = (v << 8) | o;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return v;
    }

    static List<String> tokenize(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quote in rule: " + line);
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }
}
