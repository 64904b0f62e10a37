package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.Taint;
import io.kubelite.controllers.util.Pods;
import io.kubelite.store.ObjectStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a node's taints: adds some and removes others in one guaranteed update (see
 * {@link Taints#swap}), waiting at most {@link NodeLifecycleController#WRITE_TIMEOUT}.
 * A node that is gone counts as done; any other failure is logged and reported as
 * false, for the caller to retry. Stateless apart from the store; thread-safe.
 */
final class NodeTaintWriter {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTaintWriter.class);

    private final ObjectStore<Node> nodes;

    NodeTaintWriter(ObjectStore<Node> nodes) {
        this.nodes = nodes;
    }

    /** Whether the node now has {@code add} and none of {@code remove} (or is gone). */
    boolean update(String node, List<Taint> add, List<Taint> remove) {
        try {
            nodes.guaranteedUpdate(null, node, cur -> Taints.swap(cur, add, remove))
                    .get(NodeLifecycleController.WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (Pods.isGone(e)) {
                return true;
            }
            LOG.warn("could not update taints of node {}: {}", node, StoreFailures.message(e));
            return false;
        }
    }

    boolean swap(String node, Taint add, Taint remove) {
        return update(node, List.of(add), List.of(remove));
    }
}
