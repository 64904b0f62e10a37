package io.kubelite.store.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the etcd and etcdctl binaries: {@code ETCD_BIN} first, then PATH. */
final class EtcdBinary {
    private EtcdBinary() {
    }

    static Optional<Path> etcd() {
        String env = System.getenv("ETCD_BIN");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath("etcd");
    }

    static Optional<Path> etcdctl() {
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

    static Optional<Path> onPath(String name) {
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
