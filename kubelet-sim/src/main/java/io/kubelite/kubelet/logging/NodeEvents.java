package io.kubelite.kubelet.logging;

/** Warning Events on a Node (the spool overflowing). */
@FunctionalInterface
public interface NodeEvents {
    NodeEvents NONE = (node, reason, message) -> {};

    void warning(String node, String reason, String message);
}
