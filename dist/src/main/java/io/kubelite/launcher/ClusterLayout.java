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

    /** etcdlite's data, kept apart from real etcd's so neither reads the other's files. */
    public Path etcdLiteData() {
        return root.resolve("etcdlite");
    }

    /** The log store's index partitions. */
    public Path logStoreData() {
        return root.resolve("log-store");
    }

    /** The kubelet-sim's node log agents' spools (one subdirectory per node). */
    public Path logSpool() {
        return root.resolve("log-spool");
    }

    /** The dashboard's one-time login code, written fresh by each {@code up} (0600; the dashboard deletes it). */
    public Path dashboardLoginCode() {
        return root.resolve("dashboard-login-code");
    }

    /** The API server's audit policy: kubelite's default until the user edits it. */
    public Path auditPolicy() {
        return root.resolve("audit-policy.yaml");
    }

    /** The API server's audit log (rotated beside itself). */
    public Path auditLog() {
        return root.resolve("audit").resolve("audit.log");
    }

    public Path state() {
        return root.resolve("cluster.json");
    }

    /** Prometheus {@code file_sd} targets of every process's {@code /metrics} ({@link PrometheusTargets}). */
    public Path prometheusTargets() {
        return root.resolve("prometheus").resolve("targets.json");
    }

    public Path kubeconfig() {
        return root.resolve("kubeconfig");
    }

    /** The cluster CA, serving and admin certificates (see {@code ClusterPki}). */
    public Path pki() {
        return root.resolve("pki");
    }

    public Path tokens() {
        return root.resolve("tokens.csv");
    }
}
