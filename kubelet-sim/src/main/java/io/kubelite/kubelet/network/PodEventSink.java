package io.kubelite.kubelet.network;

/** Where a pod's network Events go (the pod's own Event API); a sink never throws. */
@FunctionalInterface
public interface PodEventSink {
    void event(String type, String reason, String message);

    PodEventSink NONE = (type, reason, message) -> {};
}
