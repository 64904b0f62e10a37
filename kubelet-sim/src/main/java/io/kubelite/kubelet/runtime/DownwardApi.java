package io.kubelite.kubelet.runtime;

import io.kubelite.api.Pod;
import java.util.HashMap;
import java.util.Map;

/**
 * The downward API's {@code fieldRef} values of a pod, as the kubelet resolves them for a
 * container's environment: {@code metadata.name}, {@code metadata.namespace}, {@code metadata.uid},
 * {@code spec.nodeName}, {@code spec.serviceAccountName}, and {@code metadata.labels['KEY']} /
 * {@code metadata.annotations['KEY']} for each label and annotation (how a Job's
 * {@code JOB_COMPLETION_INDEX} gets its value). {@code status.podIP} and {@code status.hostIP}
 * are not known when a container is created here: they resolve to "".
 */
public final class DownwardApi {
    private DownwardApi() {}

    /** Field path to value, for every path above that the pod has. */
    public static Map<String, String> fields(Pod pod) {
        Map<String, String> m = new HashMap<>();
        m.put("metadata.name", pod.getMetadata().getName());
        m.put("metadata.namespace", pod.getMetadata().getNamespace());
        m.put("metadata.uid", pod.getMetadata().getUid());
        m.put("spec.nodeName", pod.getSpec().getNodeName());
        m.put("spec.serviceAccountName", pod.getSpec().getServiceAccountName());
        pod.getMetadata().getLabelsMap().forEach((k, v) -> m.put("metadata.labels['" + k + "']", v));
        pod.getMetadata().getAnnotationsMap().forEach((k, v) -> m.put("metadata.annotations['" + k + "']", v));
        return Map.copyOf(m);
    }
}
