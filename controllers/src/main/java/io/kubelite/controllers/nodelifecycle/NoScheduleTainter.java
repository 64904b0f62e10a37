package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Taint;
import io.kubelite.store.informer.Informer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NoSchedule taints that mirror a node's conditions, as Kubernetes' TaintNodesByCondition
 * does: {@code not-ready} (Ready False), {@code unreachable} (Ready Unknown),
 * {@code memory-pressure}, {@code disk-pressure}, {@code pid-pressure},
 * {@code network-unavailable}, and {@code unschedulable} from {@code spec.unschedulable}.
 * Level-based: each call brings one node's taints in line with what the informer shows
 * now. Holds no state of its own; thread-safe.
 */
final class NoScheduleTainter {
    private final Informer<Node> nodeInformer;
    private final NodeTaintWriter writer;

    NoScheduleTainter(Informer<Node> nodeInformer, NodeTaintWriter writer) {
        this.nodeInformer = nodeInformer;
        this.writer = writer;
    }

    /** Adds the NoSchedule taints the node's conditions call for and removes the others. */
    void reconcile(String name) {
        Node n = nodeInformer.get(null, name).orElse(null);
        if (n == null) {
            return;
        }
        Map<String, Boolean> want = new HashMap<>();
        NodeCondition ready = NodeConditions.find(n.getStatus(), "Ready");
        String rs = ready == null ? "" : ready.getStatus();
        want.put(Taints.NOT_READY, rs.equals("False"));
        want.put(Taints.UNREACHABLE, rs.equals("Unknown"));
        want.put("node.kubernetes.io/memory-pressure", NodeConditions.isTrue(n, "MemoryPressure"));
        want.put("node.kubernetes.io/disk-pressure", NodeConditions.isTrue(n, "DiskPressure"));
        want.put("node.kubernetes.io/pid-pressure", NodeConditions.isTrue(n, "PIDPressure"));
        want.put("node.kubernetes.io/network-unavailable", NodeConditions.isTrue(n, "NetworkUnavailable"));
        want.put("node.kubernetes.io/unschedulable", n.getSpec().getUnschedulable());
        List<Taint> add = new ArrayList<>();
        List<Taint> remove = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : want.entrySet()) {
            boolean has = Taints.has(n, e.getKey(), Taints.NO_SCHEDULE);
            if (e.getValue() && !has) {
                add.add(Taints.taint(e.getKey(), Taints.NO_SCHEDULE));
            } else if (!e.getValue() && has) {
                remove.add(Taints.taint(e.getKey(), Taints.NO_SCHEDULE));
            }
        }
        if (!add.isEmpty() || !remove.isEmpty()) {
            writer.update(name, add, remove);
        }
    }
}
