package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file_sd targets file Prometheus reads: one group per process with a health port, kube's component names. */
class PrometheusTargetsTest {
    @Test
    void everyProcessWithAHealthPortIsATarget(@TempDir Path dir) throws Exception {
        ClusterState state = new ClusterState();
        state.processes.add(new ClusterState.Proc("etcd", 0, "127.0.0.1:2379", 0, "etcd"));
        state.processes.add(new ClusterState.Proc("scheduler", 42, null, 10251, "m"));
        state.processes.add(new ClusterState.Proc("kube-proxy", 43, null, 10256, "m"));
        state.processes.add(new ClusterState.Proc("kubelet-sim", 44, null, 10257, "m"));
        Path file = dir.resolve("prometheus/targets.json");
        PrometheusTargets.write(file, state);
        JsonNode groups = new ObjectMapper().readTree(Files.readString(file));
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0).path("targets").get(0).asText()).isEqualTo("127.0.0.1:10251");
        assertThat(groups.get(0).path("labels").path("component").asText()).isEqualTo("kube-scheduler");
        assertThat(groups.get(1).path("labels").path("component").asText()).isEqualTo("kube-proxy");
        assertThat(groups.get(2).path("labels").path("component").asText()).isEqualTo("kubelet");
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temp file left
    }
}
