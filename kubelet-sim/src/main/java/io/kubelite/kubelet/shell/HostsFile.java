package io.kubelite.kubelet.shell;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code /etc/hosts} as the libc "files" source reads it: {@code ADDRESS NAME [ALIAS...]} per
 * line, {@code #} starting a comment; names match without regard to case, and the first line
 * naming the host wins.
 */
final class HostsFile {
    private HostsFile() {}

    /** The IPv4 address {@code /etc/hosts} of {@code fs} gives {@code name}, if any. */
    static Optional<String> lookup(SimulatedFilesystem fs, String name) {
        String text = fs.read("/etc/hosts");
        if (text == null && name.equalsIgnoreCase("localhost")) {
            // the kubelet always writes /etc/hosts with localhost; a container without one
            // (not yet written) still reaches its own ports, as a probe's wget localhost expects
            return Optional.of("127.0.0.1");
        }
        return lookup(text, name);
    }

    static Optional<String> lookup(String text, String name) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = (name.endsWith(".") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
        for (String raw : text.split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("[ \t]+");
            // an A lookup: IPv6 lines (kube writes ::1 and fe00:: ones) are for AAAA
            if (w.length < 2 || !IpLiteral.isIpv4(w[0])) {
                continue;
            }
            for (int i = 1; i < w.length; i++) {
                if (w[i].toLowerCase(Locale.ROOT).equals(wanted)) {
                    return Optional.of(w[0]);
                }
            }
        }
        return Optional.empty();
    }
}
