package io.kubelite.kubelet.logging;

import io.kubelite.kubelet.runtime.ContainerLog;

/**
 * Takes a container instance's output off the node: called once per instance, when it is
 * created and before it writes, so every line it will write is seen.
 */
@FunctionalInterface
public interface LogCapture {
    /** No shipping: lines stay in kubelet-sim's memory only. */
    LogCapture NONE = (source, log) -> {};

    void capture(LogSource source, ContainerLog log);
}
