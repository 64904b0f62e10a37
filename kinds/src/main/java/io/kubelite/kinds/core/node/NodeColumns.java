package io.kubelite.kinds.core.node;

import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.NodeCondition;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.TreeSet;

/** kube's node columns and cells ({@code nodeColumnDefinitions}, {@code printNode}). */
final class NodeColumns {
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";

    static final List<Column<Node>> COLUMNS = List.of(
            Cells.name(Node::getMetadata),
            Column.of("Status", "string", "The status of the node", (n, now) -> status(n)),
            Column.of("Roles", "string", "The roles of the node", (n, now) -> roles(n)),
            Cells.age(Node::getMetadata),
            Column.of(
                    "Version",
                    "string",
                    "Kubelet Version reported by the node.",
                    (n, now) -> n.getStatus().getNodeInfo().getKubeletVersion()),
            Column.wide(
                    "Internal-IP",
                    "string",
                    "List of internal IPs for the node.",
                    (n, now) -> address(n, "InternalIP")),
            Column.wide(
                    "External-IP",
                    "string",
                    "List of external IPs for the node.",
                    (n, now) -> address(n, "ExternalIP")),
            Column.wide(
                    "OS-Image",
                    "string",
                    "OS image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
                    (n, now) -> orUnknown(n.getStatus().getNodeInfo().getOsImage())),
            Column.wide(
                    "Kernel-Version",
                    "string",
                    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
                    (n, now) -> orUnknown(n.getStatus().getNodeInfo().getKernelVersion())),
            Column.wide(
                    "Container-Runtime",
                    "string",
                    "Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
                    (n, now) -> orUnknown(n.getStatus().getNodeInfo().getContainerRuntimeVersion())));

    private NodeColumns() {}

    private static String status(Node n) {
        String status = "Unknown";
        for (NodeCondition c : n.getStatus().getConditionsList()) {
            if (c.getType().equals("Ready")) {
                status = c.getStatus().equals("True") ? "Ready" : "NotReady";
            }
        }
        return n.getSpec().getUnschedulable() ? status + ",SchedulingDisabled" : status;
    }

    /** kube's {@code findNodeRoles}: {@code node-role.kubernetes.io/<role>} keys and {@code kubernetes.io/role} values. */
    private static String roles(Node n) {
        TreeSet<String> roles = new TreeSet<>();
        n.getMetadata().getLabelsMap().forEach((k, v) -> {
            if (k.startsWith(ROLE_PREFIX) && k.length() > ROLE_PREFIX.length()) {
                roles.add(k.substring(ROLE_PREFIX.length()));
            } else if (k.equals(ROLE_LABEL) && !v.isEmpty()) {
                roles.add(v);
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }

    private static String address(Node n, String type) {
        for (NodeAddress a : n.getStatus().getAddressesList()) {
            if (a.getType().equals(type)) {
                return a.getAddress();
            }
        }
        return "<none>";
    }
}
