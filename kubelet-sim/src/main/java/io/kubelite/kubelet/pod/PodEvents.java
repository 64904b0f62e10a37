package io.kubelite.kubelet.pod;

import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.store.events.EventRecorder;

/**
 * The pod Events a kubelet records (source component {@code kubelet}, host = the node),
 * with the kubelet's reasons and messages, so that {@code kl describe pod} tells the same
 * story as {@code kubectl describe pod} on a real node: Pulling, Pulled, Created,
 * Started, Unhealthy, Killing, BackOff, Failed, and the admission failures (OutOfcpu, ...).
 * Events about one container carry its {@code fieldPath} ({@code spec.containers{name}}).
 *
 * <p>Recording never blocks and may drop: the recorder's correlator and process-wide rate
 * limit decide (see {@link EventRecorder}). {@link #NONE} records nothing.
 */
public interface PodEvents {
    PodEvents NONE = (pod, node, fieldPath, type, reason, message) -> {};

    void record(Pod pod, String node, String fieldPath, String type, String reason, String message);

    /** Events through {@code recorder}, whose source host becomes each pod's node. */
    static PodEvents of(EventRecorder recorder) {
        return (pod, node, fieldPath, type, reason, message) -> recorder.event(
                node,
                ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setApiVersion("v1")
                        .setNamespace(pod.getMetadata().getNamespace())
                        .setName(pod.getMetadata().getName())
                        .setUid(pod.getMetadata().getUid())
                        .setFieldPath(fieldPath)
                        .build(),
                type,
                reason,
                message);
    }

    /** The fieldPath of a container, as the kubelet's ref manager writes it. */
    static String fieldPath(boolean init, String container) {
        return (init ? "spec.initContainers{" : "spec.containers{") + container + "}";
    }
}
