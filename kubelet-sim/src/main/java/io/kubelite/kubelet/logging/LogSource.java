package io.kubelite.kubelet.logging;

import java.util.Map;

/**
 * Where one container instance's lines come from: the metadata a node log agent attaches to
 * each of them. The instance is {@code podUid + container + restartCount}.
 */
public record LogSource(
        String namespace,
        String pod,
        String podUid,
        String container,
        String node,
        int restartCount,
        Map<String, String> podLabels) {
    public LogSource {
        podLabels = Map.copyOf(podLabels);
    }
}
