package io.kubelite.launcher;

import java.nio.file.Path;

/** Where a local cluster keeps its things, under one directory (default {@code .kubelite}). */
public record ClusterLayout(Path root) {
    public Path logs() {
        return root.resolve("logs");
    }

    public Path log(String component) {
        return logs().resolve(component + ".log");
    }

    public Path etcdData() {
        return root.resolve("etcd");
    }

    public Path state() {
        return root.resolve("cluster.json");
    }

    public Path kubeconfig() {
        return root.resolve("kubeconfig");
    }

    public Path tokens() {
        return root.resolve("tokens.csv");
    }
}
