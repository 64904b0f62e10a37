package io.kubelite.kubelet.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's {@code /etc/resolv.conf} as glibc reads it: up to three {@code nameserver}
 * lines, the last {@code search} (or {@code domain}) line, and {@code options ndots:N timeout:N
 * attempts:N}. Unknown lines and options are ignored, as the resolver ignores them.
 *
 * <p>Defaults are glibc's: ndots 1, timeout 5 s, attempts 2. No file, or a file without a
 * nameserver, gives no nameservers: lookups then fail (kubelite writes no 127.0.0.1 fallback,
 * since nothing listens there in a simulated pod).
 */
record ResolvConf(List<String> nameservers, List<String> search, int ndots, int timeoutSeconds, int attempts) {
    static final int MAX_NAMESERVERS = 3;

    static ResolvConf parse(String text) {
        List<String> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        int ndots = 1;
        int timeout = 5;
        int attempts = 2;
        if (text != null) {
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                String[] w = line.split("[ \t]+");
                switch (w[0]) {
                    case "nameserver" -> {
                        if (w.length > 1 && servers.size() < MAX_NAMESERVERS) {
                            servers.add(w[1]);
                        }
                    }
                    case "search", "domain" -> {
                        // the last of search/domain wins; "domain" names one domain
                        search = new ArrayList<>();
                        for (int i = 1; i < w.length && (w[0].equals("search") || i == 1); i++) {
                            if (!w[i].equals(".")) {
                                search.add(stripDot(w[i]));
                            }
                        }
                    }
                    case "options" -> {
                        for (int i = 1; i < w.length; i++) {
                            ndots = option(w[i], "ndots:", ndots, 15);
                            timeout = option(w[i], "timeout:", timeout, 30);
                            attempts = option(w[i], "attempts:", attempts, 5);
                        }
                    }
                    default -> {}
                }
            }
        }
        return new ResolvConf(List.copyOf(servers), List.copyOf(search), ndots, timeout, attempts);
    }

    /** {@code /etc/resolv.conf} of {@code fs}, or an empty configuration when there is none. */
    static ResolvConf read(SimulatedFilesystem fs) {
        return parse(fs.read("/etc/resolv.conf"));
    }

    /**
     * The names the resolver asks for {@code name}, in order: a name ending in a dot only as
     * itself; one with at least {@code ndots} dots as itself first, then under each search
     * domain; any other under each search domain first, then as itself.
     */
    List<String> candidates(String name) {
        if (name.endsWith(".")) {
            return List.of(stripDot(name));
        }
        long dots = name.chars().filter(c -> c == '.').count();
        List<String> out = new ArrayList<>();
        if (dots >= ndots) {
            out.add(name);
        }
        for (String d : search) {
            out.add(name + "." + d);
        }
        if (dots < ndots) {
            out.add(name);
        }
        return out;
    }

    private static int option(String word, String prefix, int current, int max) {
        if (!word.startsWith(prefix)) {
            return current;
        }
        try {
            return Math.max(0, Math.min(max, Integer.parseInt(word.substring(prefix.length()))));
        } catch (NumberFormatException e) {
            return current;
        }
    }

    private static String stripDot(String s) {
        return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    }
}
