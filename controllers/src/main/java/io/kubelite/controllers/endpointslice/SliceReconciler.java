package io.kubelite.controllers.endpointslice;

import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.controllers.util.EndpointPods;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.kinds.validation.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * kube's EndpointSlice {@code Reconciler} as a pure function: from a Service, the pods it
 * selects and its existing managed slices, the creates, in-place updates and deletes that make
 * the slices hold one endpoint per ready-or-not pod, grouped by the pod's resolved port set, at
 * most {@code maxEndpointsPerSlice} per slice, with as little churn as kube's placement:
 *
 * <ol>
 *   <li>existing slices keep their endpoints that are still desired (updated in place when their
 *       conditions, node or zone changed) and drop the others; an emptied slice is deleted;
 *   <li>slices being updated anyway are filled up first, fullest first;
 *   <li>what is left goes into the unchanged slice it fills closest to full, else into new slices;
 *   <li>a create is turned into an update of a slice that would be deleted, so a name survives;
 *   <li>a Service with no endpoints keeps one empty placeholder slice.
 * </ol>
 *
 * Stateless apart from the limit; deterministic for equal inputs (pods in name order).
 */
final class SliceReconciler {
    /** The {@code endpointslice.kubernetes.io/managed-by} value of this controller's slices. */
    static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";

    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private final int maxEndpointsPerSlice;

    SliceReconciler(int maxEndpointsPerSlice) {
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
    }

    /**
     * The plan for {@code svc} over {@code pods} (those its selector matches) and {@code
     * existing} (the slices labeled as this controller's for the Service, none being deleted);
     * {@code nodes} finds a Node by name, or null.
     */
    SlicePlan plan(Service svc, List<Pod> pods, List<EndpointSlice> existing, Function<String, Node> nodes) {
        Set<String> types = DesiredEndpoints.addressTypes(svc);
        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();
        Map<String, List<EndpointSlice>> byType = new LinkedHashMap<>();
        for (EndpointSlice s : existing) {
            if (types.contains(s.getAddressType())) {
                byType.computeIfAbsent(s.getAddressType(), t -> new ArrayList<>())
                        .add(s);
            } else {
                delete.add(s);
            }
        }
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(Comparator.comparing(p -> p.getMetadata().getName()));
        boolean missingNodes = false;
        for (String type : types) {
            Writes w = new Writes();
            missingNodes |= byAddressType(svc, sorted, byType.getOrDefault(type, List.of()), type, nodes, w);
            finish(svc, w);
            create.addAll(w.create);
            update.addAll(w.update);
            delete.addAll(w.delete);
        }
        if (svc.getMetadata().hasDeletionTimestamp()) {
            create.clear(); // never race the garbage collector with new slices of a Service being deleted
        }
        return new SlicePlan(List.copyOf(create), withGenerations(update, existing), List.copyOf(delete), missingNodes);
    }

    /**
     * The updates with kube's generation: the stored slice's, plus one when anything but its
     * metadata changes (the API server's strategy counts the same way; this controller writes
     * etcd directly).
     */
    private static List<EndpointSlice> withGenerations(List<EndpointSlice> update, List<EndpointSlice> existing) {
        Map<String, EndpointSlice> byName = new HashMap<>();
        existing.forEach(s -> byName.put(s.getMetadata().getName(), s));
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSlice u : update) {
            EndpointSlice old = byName.get(u.getMetadata().getName());
            long gen = old == null ? 0 : old.getMetadata().getGeneration();
            if (old == null || !content(old).equals(content(u))) {
                gen++;
            }
            out.add(u.toBuilder()
                    .setMetadata(u.getMetadata().toBuilder().setGeneration(gen))
                    .build());
        }
        return List.copyOf(out);
    }

    private static EndpointSlice content(EndpointSlice s) {
        return s.toBuilder().clearMetadata().clearApiVersion().clearKind().build();
    }

    /** One address type's writes, as kube's {@code reconcileByAddressType} collects them. */
    private static final class Writes {
        final List<EndpointSlice> create = new ArrayList<>();
        final List<EndpointSlice> update = new ArrayList<>();
        final List<EndpointSlice> delete = new ArrayList<>();
    }

    private boolean byAddressType(
            Service svc,
            List<Pod> pods,
            List<EndpointSlice> existing,
            String type,
            Function<String, Node> nodes,
            Writes w) {
        Map<List<EndpointPort>, List<EndpointSlice>> existingByPorts = new LinkedHashMap<>();
        List<EndpointSlice> byName = new ArrayList<>(existing);
        byName.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        for (EndpointSlice s : byName) {
            if (ownedBy(s, svc)) {
                existingByPorts
                        .computeIfAbsent(portKey(s.getPortsList()), k -> new ArrayList<>())
                        .add(s);
            } else {
                w.delete.add(s); // left by an earlier Service of the same name
            }
        }
        Map<List<EndpointPort>, LinkedHashMap<DesiredEndpoints.Key, Endpoint>> desired = new LinkedHashMap<>();
        boolean missingNodes = false;
        for (Pod p : pods) {
            if (!EndpointPods.shouldBeInEndpoints(p, true)) {
                continue;
            }
            List<EndpointPort> ports = DesiredEndpoints.ports(svc, p);
            LinkedHashMap<DesiredEndpoints.Key, Endpoint> set =
                    desired.computeIfAbsent(ports, k -> new LinkedHashMap<>());
            Node node = nodes.apply(p.getSpec().getNodeName());
            if (node == null && !MirrorPods.isMirror(p) && !svc.getSpec().getPublishNotReadyAddresses()) {
                // kube leaves the pod out until its Node is known (the pod GC removes pods of gone nodes).
                // A kubelite mirror pod's node is the host its process runs on, never a Node: its
                // publisher, not a kubelet, vouches for it, so waiting for the Node would be forever.
                missingNodes = true;
                continue;
            }
            Endpoint e = DesiredEndpoints.endpoint(p, node, svc, type);
            if (e.getAddressesCount() > 0) {
                set.put(DesiredEndpoints.Key.of(e), e);
            }
        }
        for (Map.Entry<List<EndpointPort>, LinkedHashMap<DesiredEndpoints.Key, Endpoint>> d : desired.entrySet()) {
            byPortSet(svc, existingByPorts.getOrDefault(d.getKey(), List.of()), d.getValue(), d.getKey(), type, w);
        }
        for (Map.Entry<List<EndpointPort>, List<EndpointSlice>> e : existingByPorts.entrySet()) {
            if (!desired.containsKey(e.getKey())) {
                w.delete.addAll(e.getValue());
            }
        }
        if (existing.size() == w.delete.size() && w.create.isEmpty()) {
            EndpointSlice placeholder = newSlice(svc, List.of(), type);
            if (w.delete.size() == 1 && samePlaceholder(w.delete.get(0), placeholder)) {
                w.delete.clear(); // the placeholder is already there: keep it rather than delete and recreate
            } else {
                w.create.add(placeholder);
            }
        }
        return missingNodes;
    }

    /** kube's {@code reconcileByPortMapping}: the placement steps 1 to 3 of the class comment, for one port set. */
    private void byPortSet(
            Service svc,
            List<EndpointSlice> existing,
            LinkedHashMap<DesiredEndpoints.Key, Endpoint> desired,
            List<EndpointPort> ports,
            String type,
            Writes w) {
        Map<String, EndpointSlice> updated = new LinkedHashMap<>();
        Map<String, EndpointSlice> unchanged = new LinkedHashMap<>();
        for (EndpointSlice s : existing) {
            List<Endpoint> kept = new ArrayList<>();
            boolean changed = false;
            for (Endpoint e : s.getEndpointsList()) {
                Endpoint want = desired.remove(DesiredEndpoints.Key.of(e));
                if (want != null) {
                    kept.add(want);
                    changed |= !DesiredEndpoints.sameBeyondKey(want, e);
                }
            }
            Map<String, String> labels = labels(s.getMetadata().getLabelsMap(), svc);
            boolean labelsChanged = !userLabels(s.getMetadata().getLabelsMap())
                    .equals(userLabels(svc.getMetadata().getLabelsMap()));
            String name = s.getMetadata().getName();
            if (changed || kept.size() != s.getEndpointsCount()) {
                if (kept.isEmpty()) {
                    w.delete.add(s);
                } else {
                    updated.put(name, withEndpoints(s, kept, labels));
                }
            } else if (labelsChanged) {
                updated.put(name, withEndpoints(s, kept, labels));
            } else {
                unchanged.put(name, s);
            }
        }
        if (!desired.isEmpty() && !updated.isEmpty()) {
            List<String> fullestFirst = new ArrayList<>(updated.keySet());
            fullestFirst.sort(
                    Comparator.comparingInt((String n) -> -updated.get(n).getEndpointsCount()));
            for (String n : fullestFirst) {
                updated.put(n, fill(updated.get(n), desired));
            }
        }
        while (!desired.isEmpty()) {
            EndpointSlice target = null;
            if (desired.size() < maxEndpointsPerSlice && !unchanged.isEmpty()) {
                target = sliceToFill(unchanged.values(), desired.size());
            }
            if (target == null) {
                w.create.add(fill(newSlice(svc, ports, type), desired));
            } else {
                String n = target.getMetadata().getName();
                unchanged.remove(n);
                updated.put(n, fill(target, desired));
            }
        }
        w.update.addAll(updated.values());
    }

    /** Moves desired endpoints, in order, into {@code s} until it is full. */
    private EndpointSlice fill(EndpointSlice s, LinkedHashMap<DesiredEndpoints.Key, Endpoint> desired) {
        EndpointSlice.Builder b = s.toBuilder();
        var it = desired.entrySet().iterator();
        while (it.hasNext() && b.getEndpointsCount() < maxEndpointsPerSlice) {
            b.addEndpoints(it.next().getValue());
            it.remove();
        }
        return b.build();
    }

    /** kube's {@code getSliceToFill}: the slice {@code n} more endpoints bring closest to full, or null if none fits them. */
    private EndpointSlice sliceToFill(Iterable<EndpointSlice> slices, int n) {
        int closest = maxEndpointsPerSlice;
        EndpointSlice best = null;
        for (EndpointSlice s : slices) {
            int diff = maxEndpointsPerSlice - (n + s.getEndpointsCount());
            if (diff >= 0 && diff < closest) {
                closest = diff;
                best = s;
                if (diff == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /**
     * kube's {@code finalize} (its write half is the controller's): a slice to create is written
     * over a slice to delete of the same type and Service instead, keeping the stored slice's
     * name, identity and annotations.
     */
    private static void finish(Service svc, Writes w) {
        for (int i = 0; i < w.delete.size() && !w.create.isEmpty(); ) {
            EndpointSlice old = w.delete.get(i);
            EndpointSlice fresh = w.create.get(w.create.size() - 1);
            if (old.getAddressType().equals(fresh.getAddressType()) && ownedBy(old, svc)) {
                w.create.remove(w.create.size() - 1);
                w.delete.remove(i);
                w.update.add(fresh.toBuilder()
                        .setMetadata(old.getMetadata().toBuilder()
                                .clearLabels()
                                .putAllLabels(fresh.getMetadata().getLabelsMap())
                                .clearOwnerReferences()
                                .addAllOwnerReferences(fresh.getMetadata().getOwnerReferencesList()))
                        .build());
            } else {
                i++;
            }
        }
    }

    private static EndpointSlice withEndpoints(EndpointSlice s, List<Endpoint> endpoints, Map<String, String> labels) {
        return s.toBuilder()
                .setMetadata(s.getMetadata().toBuilder().clearLabels().putAllLabels(labels))
                .clearEndpoints()
                .addAllEndpoints(endpoints)
                .build();
    }

    /** kube's {@code newEndpointSlice}: {@code <service>-} plus a random suffix, owned by the Service. */
    static EndpointSlice newSlice(Service svc, List<EndpointPort> ports, String type) {
        ObjectMeta m = svc.getMetadata();
        String prefix = m.getName() + "-";
        if (Names.dns1123SubdomainError(m.getName() + "-x") != null) {
            prefix = m.getName(); // too long for the dash, as kube's getEndpointSlicePrefix decides
        }
        return EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(m.getNamespace())
                        .setGenerateName(prefix)
                        .setGeneration(1)
                        .putAllLabels(labels(Map.of(), svc))
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("v1")
                                .setKind("Service")
                                .setName(m.getName())
                                .setUid(m.getUid())
                                .setController(true)
                                .setBlockOwnerDeletion(true)))
                .setAddressType(type)
                .addAllPorts(ports)
                .build();
    }

    /**
     * kube's {@code setEndpointSliceLabels}: the Service's labels (but the reserved ones), the
     * headless label for a headless Service, the service name and this controller.
     */
    static Map<String, String> labels(Map<String, String> current, Service svc) {
        Map<String, String> out = new TreeMap<>(userLabels(svc.getMetadata().getLabelsMap()));
        if (EndpointPods.isHeadless(svc)) {
            out.put(HEADLESS_LABEL, "");
        }
        out.put(EndpointSliceKind.SERVICE_NAME_LABEL, svc.getMetadata().getName());
        out.put(EndpointSliceKind.MANAGED_BY_LABEL, CONTROLLER_NAME);
        return out;
    }

    private static Map<String, String> userLabels(Map<String, String> labels) {
        Map<String, String> out = new HashMap<>(labels);
        out.remove(HEADLESS_LABEL);
        out.remove(EndpointSliceKind.SERVICE_NAME_LABEL);
        out.remove(EndpointSliceKind.MANAGED_BY_LABEL);
        return out;
    }

    /** kube's {@code ownedBy}: an owner reference to this very Service (its uid, not just its name). */
    static boolean ownedBy(EndpointSlice s, Service svc) {
        for (OwnerReference o : s.getMetadata().getOwnerReferencesList()) {
            if (o.getUid().equals(svc.getMetadata().getUid())
                    && o.getKind().equals("Service")
                    && o.getApiVersion().equals("v1")) {
                return true;
            }
        }
        return false;
    }

    /** kube's {@code placeholderSliceCompare}: namespace, labels, owners, type, no ports and no endpoints. */
    private static boolean samePlaceholder(EndpointSlice s, EndpointSlice placeholder) {
        return s.getMetadata().getNamespace().equals(placeholder.getMetadata().getNamespace())
                && s.getMetadata()
                        .getLabelsMap()
                        .equals(placeholder.getMetadata().getLabelsMap())
                && s.getMetadata()
                        .getOwnerReferencesList()
                        .equals(placeholder.getMetadata().getOwnerReferencesList())
                && s.getAddressType().equals(placeholder.getAddressType())
                && s.getPortsCount() == 0
                && s.getEndpointsCount() == 0;
    }

    /** A port set's key: the ports in {@link DesiredEndpoints#PORT_ORDER}. */
    private static List<EndpointPort> portKey(List<EndpointPort> ports) {
        List<EndpointPort> out = new ArrayList<>(ports);
        out.sort(DesiredEndpoints.PORT_ORDER);
        return List.copyOf(out);
    }
}
