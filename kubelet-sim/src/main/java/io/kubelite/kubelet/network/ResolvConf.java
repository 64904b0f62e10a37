package io.kubelite.kubelet.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One resolver configuration: nameservers, search domains and options, as the kubelet hands it to
 * the runtime (CRI's {@code DNSConfig}) and the runtime writes it to a container's
 * {@code /etc/resolv.conf}. Immutable.
 */
public record ResolvConf(List<String> servers, List<String> searches, List<String> options) {
    public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

    public ResolvConf {
        servers = List.copyOf(servers);
        searches = List.copyOf(searches);
        options = List.copyOf(options);
    }

    /**
     * Reads a node's resolv.conf as the kubelet's {@code parseResolvConf} does: comments ({@code #}
     * or {@code ;}) dropped, every {@code nameserver} kept, the last {@code search} line wins (its
     * domains without a trailing dot, {@code .} dropped), {@code options} merged by name.
     */
    public static ResolvConf parse(String text) {
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw;
            int hash = indexOfComment(line);
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 1 || f[0].isEmpty()) {
                continue;
            }
            switch (f[0]) {
                case "nameserver" -> {
                    if (f.length > 1) {
                        servers.add(f[1]);
                    }
                }
                case "search" -> {
                    searches = new ArrayList<>();
                    for (int i = 1; i < f.length; i++) {
                        if (!f[i].equals(".")) {
                            searches.add(f[i].endsWith(".") ? f[i].substring(0, f[i].length() - 1) : f[i]);
                        }
                    }
                }
                case "options" -> {
                    for (int i = 1; i < f.length; i++) {
                        options = mergeOption(options, f[i]);
                    }
                }
                default -> {
                    // domain, sortlist, lookup: the kubelet ignores them too
                }
            }
        }
        return new ResolvConf(servers, searches, options);
    }

    private static int indexOfComment(String line) {
        int a = line.indexOf('#');
        int b = line.indexOf(';');
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    /** {@code options} with {@code option} ({@code name} or {@code name:value}) set, replacing one of the same name. */
    static List<String> mergeOption(List<String> options, String option) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String o : options) {
            byName.put(name(o), o);
        }
        byName.put(name(option), option);
        return new ArrayList<>(byName.values());
    }

    private static String name(String option) {
        int colon = option.indexOf(':');
        return colon < 0 ? option : option.substring(0, colon);
    }

    /**
     * The file a container sees, as containerd writes it: the search line, one line per
     * nameserver, the options line; lines with nothing to say are left out.
     */
    public String render() {
        StringBuilder b = new StringBuilder();
        if (!searches.isEmpty()) {
            b.append("search ").append(String.join(" ", searches)).append('\n');
        }
        for (String s : servers) {
            b.append("nameserver ").append(s).append('\n');
        }
        if (!options.isEmpty()) {
            b.append("options ").append(String.join(" ", options)).append('\n');
        }
        return b.toString();
    }
}
