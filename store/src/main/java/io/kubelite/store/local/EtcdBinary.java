package io.kubelite.store.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the {@code etcd} and {@code etcdctl} binaries: {@code ETCD_BIN} /
 * {@code ETCDCTL_BIN} first, then etcdctl next to etcd, then {@code PATH}. Empty when
 * there is none; never throws.
 */
public final class EtcdBinary {
    private EtcdBinary() {}

    /** The etcd server binary; a set but non-executable {@code ETCD_BIN} counts as none. */
    public static Optional<Path> etcd() {
        String env = System.getenv("ETCD_BIN");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath("etcd");
    }

    /** The etcdctl client binary. */
    public static Optional<Path> etcdctl() {
        String env = System.getenv("ETCDCTL_BIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        Optional<Path> etcd = etcd();
        if (etcd.isPresent()) {
            Path sibling = etcd.get().resolveSibling("etcdctl");
            if (Files.isExecutable(sibling)) {
                return Optional.of(sibling);
            }
        }
        return onPath("etcdctl");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
