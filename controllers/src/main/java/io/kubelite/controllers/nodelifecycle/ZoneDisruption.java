package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.controllers.ControllerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zone states and the NoExecute tainting rates they select (Kubernetes'
 * {@code handleDisruption}).
 *
 * <p>A zone ({@code topology.kubernetes.io/region}+{@code zone} labels) with no Ready
 * node is {@link ZoneState#FULL_DISRUPTION}; one with at least 3 nodes not Ready making
 * up at least {@code --unhealthy-zone-threshold} of it is
 * {@link ZoneState#PARTIAL_DISRUPTION}; otherwise {@link ZoneState#NORMAL}. Nodes
 * labelled {@value #EXCLUDE_DISRUPTION} do not count. The rate is
 * {@code --node-eviction-rate}, but in a partially disrupted zone
 * {@code --secondary-node-eviction-rate} when the zone has more than
 * {@code --large-cluster-size-threshold} nodes, else 0.
 *
 * <p>When every zone is fully disrupted, it is more likely this controller that is cut
 * off than every node at once: "master disruption mode" removes the NoExecute taints and
 * taints nothing until some node is Ready again, and then gives every node a fresh grace
 * period, so none is tainted for the silence it had during the mode.
 *
 * <p>{@link #update} is called by the monitor pass only; {@link #state} may be read
 * from any thread.
 */
final class ZoneDisruption {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneDisruption.class);
    static final String EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

    private final ControllerOptions opts;
    private final NoExecuteTainter noExecute;
    private final NodeHealthMonitor health;
    private final Map<String, ZoneState> states = new ConcurrentHashMap<>(); // by zone key

    ZoneDisruption(ControllerOptions opts, NoExecuteTainter noExecute, NodeHealthMonitor health) {
        this.opts = opts;
        this.noExecute = noExecute;
        this.health = health;
    }

    /**
     * Recomputes every zone's state from this pass's readiness and acts on the changes:
     * sets the zones' tainting rates, and enters or leaves master disruption mode.
     * {@code all} is every node the pass saw, including those whose health could not be
     * updated.
     */
    void update(List<NodeHealthMonitor.Readiness> readiness, List<Node> all) {
        Map<String, List<String>> readyByZone = new HashMap<>();
        for (NodeHealthMonitor.Readiness r : readiness) {
            if (!r.node().getMetadata().getLabelsMap().containsKey(EXCLUDE_DISRUPTION)) {
                readyByZone
                        .computeIfAbsent(zoneKey(r.node()), z -> new ArrayList<>())
                        .add(r.current());
            }
        }
        Map<String, ZoneState> newStates = new HashMap<>();
        boolean allAreFullyDisrupted = true;
        for (Map.Entry<String, List<String>> e : readyByZone.entrySet()) {
            ZoneState s = computeZoneState(e.getValue());
            if (s != ZoneState.FULL_DISRUPTION) {
                allAreFullyDisrupted = false;
            }
            newStates.put(e.getKey(), s);
            states.putIfAbsent(e.getKey(), ZoneState.INITIAL);
        }
        boolean allWasFullyDisrupted = true;
        for (String zone : new ArrayList<>(states.keySet())) {
            if (!readyByZone.containsKey(zone)) {
                states.remove(zone);
                continue;
            }
            if (states.get(zone) != ZoneState.FULL_DISRUPTION) {
                allWasFullyDisrupted = false;
            }
        }
        if (readyByZone.isEmpty()) {
            return;
        }
        if (allAreFullyDisrupted && allWasFullyDisrupted) {
            return;
        }
        if (allAreFullyDisrupted) {
            LOG.info("Controller detected that all Nodes are not-Ready. Entering master disruption mode");
            for (Node n : all) {
                noExecute.markReachable(n);
            }
            for (String zone : states.keySet()) {
                noExecute.setRate(zone, 0);
                states.put(zone, ZoneState.FULL_DISRUPTION);
            }
            return;
        }
        if (allWasFullyDisrupted) {
            LOG.info("Controller detected that some Nodes are Ready. Exiting master disruption mode");
            health.restartGracePeriods();
            for (String zone : states.keySet()) {
                noExecute.setRate(zone, evictionRate(readyByZone.get(zone).size(), newStates.get(zone)));
                states.put(zone, newStates.get(zone));
            }
            return;
        }
        for (Map.Entry<String, ZoneState> e : states.entrySet()) {
            ZoneState ns = newStates.get(e.getKey());
            if (e.getValue() == ns) {
                continue;
            }
            LOG.info("Controller detected that zone \"{}\" is now in state {}", printable(e.getKey()), ns);
            noExecute.setRate(
                    e.getKey(), evictionRate(readyByZone.get(e.getKey()).size(), ns));
            e.setValue(ns);
        }
    }

    /** The state of a zone whose nodes' Ready statuses are {@code readyStatuses}. */
    ZoneState computeZoneState(List<String> readyStatuses) {
        int ready = 0;
        int notReady = 0;
        for (String s : readyStatuses) {
            if (s.equals("True")) {
                ready++;
            } else {
                notReady++;
            }
        }
        if (ready == 0 && notReady > 0) {
            return ZoneState.FULL_DISRUPTION;
        }
        if (notReady > 2 && (double) notReady / (notReady + ready) >= opts.unhealthyZoneThreshold) {
            return ZoneState.PARTIAL_DISRUPTION;
        }
        return ZoneState.NORMAL;
    }

    /** Nodes per second tainted in a zone of {@code zoneSize} counted nodes in {@code state}. */
    private double evictionRate(int zoneSize, ZoneState state) {
        return switch (state) {
            case NORMAL, INITIAL, FULL_DISRUPTION -> opts.nodeEvictionRate;
            case PARTIAL_DISRUPTION -> zoneSize > opts.largeClusterSizeThreshold ? opts.secondaryNodeEvictionRate : 0;
        };
    }

    /** The zone's state as of the last pass; {@link ZoneState#INITIAL} for a zone not seen. */
    ZoneState state(String zoneKey) {
        return states.getOrDefault(zoneKey, ZoneState.INITIAL);
    }

    /** Kubernetes' GetZoneKey: region and zone labels, empty when neither is set. */
    static String zoneKey(Node n) {
        Map<String, String> l = n.getMetadata().getLabelsMap();
        String region = l.getOrDefault(
                "topology.kubernetes.io/region", l.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
        String zone = l.getOrDefault(
                "topology.kubernetes.io/zone", l.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
        return zoneKey(region, zone);
    }

    static String zoneKey(String region, String zone) {
        return region.isEmpty() && zone.isEmpty() ? "" : region + ":\0:" + zone;
    }

    private static String printable(String zoneKey) {
        return zoneKey.replace(":\0:", "/");
    }
}
