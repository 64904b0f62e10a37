package io.kubelite.kubelet.node;

/** Warning Events on a Node (a log spool overflowing, a bad simulation annotation). */
@FunctionalInterface
public interface NodeEvents {
    NodeEvents NONE = (node, reason, message) -> {};

    void warning(String node, String reason, String message);
}
