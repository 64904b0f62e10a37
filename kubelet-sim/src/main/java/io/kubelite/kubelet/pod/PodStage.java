package io.kubelite.kubelet.pod;

/** Where a pod is in its life on the node, as its {@link PodWorker} drives it. */
enum PodStage {
    /** Not yet started, adopted or rejected: the kubelet has not said anything about it. */
    NEW,
    /** Admitted, but the node has no podCIDR yet: without an IP no container starts. */
    WAITING_NETWORK,
    /** Its volumes cannot be set up yet (a ConfigMap or Secret they need is missing): no sandbox, no IP, no container. */
    WAITING_VOLUMES,
    /** Has its IP: containers start, run, restart and are probed. */
    RUNNING,
    /** Deleted gracefully: its containers are stopping within the grace period. */
    TERMINATING,
    /** Reached its terminal phase (or was rejected): nothing runs any more. */
    FINISHED,
    /** The pod object is gone, or this process is going away: nothing more happens, nothing more is written. */
    GONE
}
