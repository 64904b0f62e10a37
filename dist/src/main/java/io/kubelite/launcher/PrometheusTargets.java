package io.kubelite.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scrape targets of a local cluster in Prometheus's {@code file_sd_configs} format: one
 * group per process with a health port ({@code /metrics}), labelled {@code component} (kube's
 * name: {@code kube-apiserver}, {@code kube-scheduler}, ...). {@code kubelite up} rewrites it as
 * processes start, and Prometheus picks changes up by itself, so a scrape config naming this
 * file follows the cluster's free ports without editing (docs/monitoring.md).
 */
final class PrometheusTargets {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PrometheusTargets() {}

    /** Writes {@code state}'s processes to {@code file}, atomically (Prometheus may read it any time). */
    static void write(Path file, ClusterState state) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ClusterState.Proc p : state.processes) {
            if (p.healthPort() <= 0) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("component", component(p.name()));
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("targets", List.of("127.0.0.1:" + p.healthPort()));
            group.put("labels", labels);
            groups.add(group);
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), groups);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * kube's component name for a launcher process name: {@code scheduler} → {@code kube-scheduler},
     * {@code kubelet-sim} → {@code kubelet} (what dashboards look for), {@code dns} → {@code kube-dns}.
     */
    static String component(String name) {
        if (name.equals("kubelet-sim")) {
            return "kubelet";
        }
        return name.startsWith("kube") ? name : "kube-" + name;
    }
}
