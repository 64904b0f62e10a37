package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.Taint;
import io.kubelite.store.informer.Informer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NoExecute taints for nodes that are not Ready, rate-limited per zone (Kubernetes'
 * {@code processTaintBaseEviction} and {@code doNoExecuteTaintingPass}).
 *
 * <p>A node whose Ready is Unknown is queued for {@code unreachable:NoExecute}, one
 * whose Ready is False for {@code not-ready:NoExecute}; a node that already has the other
 * of the two has it swapped at once, without waiting for a token. Each zone has its own
 * {@link RateLimitedNodeQueue}, drained by {@link #taintQueued()} at the rate
 * {@link ZoneDisruption} sets; a queued node is tainted according to its readiness
 * when its turn comes, not when it was queued. Ready=True removes both taints and
 * takes the node out of every queue. The pods go by the taint eviction controller.
 *
 * <p>{@link #reconcile}, {@link #markReachable}, {@link #setRate}, {@link #addZone} and
 * {@link #forget} are called from the monitor pass, {@link #taintQueued()} from the
 * tainting pass; the queues are thread-safe, so the two may run at once.
 */
final class NoExecuteTainter {
    private static final Logger LOG = LoggerFactory.getLogger(NoExecuteTainter.class);
    private static final Taint UNREACHABLE_NOEXECUTE = Taints.taint(Taints.UNREACHABLE, Taints.NO_EXECUTE);
    private static final Taint NOT_READY_NOEXECUTE = Taints.taint(Taints.NOT_READY, Taints.NO_EXECUTE);

    private final double defaultRate;
    private final Informer<Node> nodeInformer;
    private final NodeHealthMonitor health;
    private final NodeTaintWriter writer;
    private final Map<String, RateLimitedNodeQueue> queues = new ConcurrentHashMap<>(); // by zone key

    /** {@code defaultRate}: nodes per second a zone is tainted at until its state sets another. */
    NoExecuteTainter(
            double defaultRate, Informer<Node> nodeInformer, NodeHealthMonitor health, NodeTaintWriter writer) {
        this.defaultRate = defaultRate;
        this.nodeInformer = nodeInformer;
        this.health = health;
        this.writer = writer;
    }

    /** Makes sure the zone has a queue (at the default rate when new). */
    void addZone(String zone) {
        queue(zone);
    }

    /** Sets the zone's tainting rate in nodes per second; 0 taints nothing. */
    void setRate(String zone, double qps) {
        queue(zone).swapLimiter(qps);
    }

    /** Drops a node that no longer exists from every queue. */
    void forget(String node) {
        queues.values().forEach(q -> q.remove(node));
    }

    /** Acts on one node's current Ready status ("True", "False" or "Unknown"). */
    void reconcile(Node n, String ready) {
        String name = n.getMetadata().getName();
        switch (ready) {
            case "False" -> {
                if (Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE)) {
                    writer.swap(name, NOT_READY_NOEXECUTE, UNREACHABLE_NOEXECUTE);
                } else {
                    markForTainting(n, Taints.NOT_READY);
                }
            }
            case "Unknown" -> {
                if (Taints.has(n, Taints.NOT_READY, Taints.NO_EXECUTE)) {
                    writer.swap(name, UNREACHABLE_NOEXECUTE, NOT_READY_NOEXECUTE);
                } else {
                    markForTainting(n, Taints.UNREACHABLE);
                }
            }
            case "True" -> markReachable(n);
            default -> {}
        }
    }

    private void markForTainting(Node n, String taintKey) {
        RateLimitedNodeQueue q = queue(ZoneDisruption.zoneKey(n));
        String name = n.getMetadata().getName();
        if (!Taints.has(n, taintKey, Taints.NO_EXECUTE)) {
            if (!q.contains(name)) {
                LOG.info(
                        "node {} is {}; queued for the {}:NoExecute taint",
                        name,
                        taintKey.equals(Taints.UNREACHABLE) ? "unresponsive" : "NotReady",
                        taintKey);
            }
            q.add(name);
        }
    }

    /** Takes the node out of every queue and removes both NoExecute taints. */
    void markReachable(Node n) {
        String name = n.getMetadata().getName();
        forget(name);
        if (Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE)
                || Taints.has(n, Taints.NOT_READY, Taints.NO_EXECUTE)) {
            writer.update(name, List.of(), List.of(UNREACHABLE_NOEXECUTE, NOT_READY_NOEXECUTE));
            LOG.info("removed NoExecute taints from node {}", name);
        }
    }

    /** Taints queued nodes while their zones have tokens; a failed write is retried later. */
    void taintQueued() {
        for (RateLimitedNodeQueue q : queues.values()) {
            q.tryProcess(name -> {
                Node n = nodeInformer.get(null, name).orElse(null);
                String ready = health.currentReady(name);
                if (n == null || ready == null) {
                    return true;
                }
                Taint add;
                Taint remove;
                switch (ready) {
                    case "False" -> {
                        add = NOT_READY_NOEXECUTE;
                        remove = UNREACHABLE_NOEXECUTE;
                    }
                    case "Unknown" -> {
                        add = UNREACHABLE_NOEXECUTE;
                        remove = NOT_READY_NOEXECUTE;
                    }
                    default -> {
                        return true; // ready again: nothing to taint
                    }
                }
                boolean ok = writer.swap(name, add, remove);
                if (ok) {
                    LOG.info("node {} tainted {}:NoExecute", name, add.getKey());
                }
                return ok;
            });
        }
    }

    private RateLimitedNodeQueue queue(String zone) {
        return queues.computeIfAbsent(zone, z -> new RateLimitedNodeQueue(defaultRate));
    }
}
