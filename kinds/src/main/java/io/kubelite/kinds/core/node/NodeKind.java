package io.kubelite.kinds.core.node;

import io.kubelite.api.Node;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/**
 * Nodes ({@code v1}, cluster-scoped), with the status subresource and {@code proxy} (every
 * method, to the node's kubelet; its paths go on past the subresource name).
 */
public final class NodeKind {
    public static final Resource<Node> RESOURCE =
            new Resource<>("", "v1", "Node", "nodes", false, Node.getDefaultInstance(), List.of("no"));

    public static final Kind<Node> KIND = Kind.of(RESOURCE)
            .strategy(new NodeStrategy())
            .columns(NodeColumns.COLUMNS)
            .subresources(
                    Subresource.status(),
                    Subresource.of("proxy", "create", "delete", "get", "patch", "update")
                            .exchanging("", "v1", "NodeProxyOptions"))
            .field("spec.unschedulable", n -> Boolean.toString(n.getSpec().getUnschedulable()))
            .build();

    private NodeKind() {}
}
