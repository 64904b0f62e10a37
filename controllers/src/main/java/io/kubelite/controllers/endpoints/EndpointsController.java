package io.kubelite.controllers.endpoints;

import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.EndpointPods;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.TriggerTimeTracker;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' Endpoints controller: for every Service with a selector, an Endpoints
 * object of the same name listing the IPs of the matching pods — ready ones in
 * {@code addresses}, the others in {@code notReadyAddresses} (all in {@code addresses}
 * with {@code publishNotReadyAddresses}) — each with its {@code nodeName} and a
 * {@code targetRef} to the pod. Pods without an IP, terminal pods and terminating pods
 * (unless {@code publishNotReadyAddresses}) are left out. Ports are resolved per pod: a
 * numeric {@code targetPort} as is (unset: the service port), a named one through the
 * pod's container ports of that name and protocol (a pod without it is left out of that
 * port). Addresses with the same ports are grouped into one subset. Which pods and ports
 * count is {@link EndpointPods}' decision, shared with the EndpointSlice controller, so
 * Endpoints and EndpointSlices mirror each other. As kube's, at most 1000 addresses are
 * kept (ready ones first), marked {@code endpoints.kubernetes.io/over-capacity: truncated},
 * and {@code endpoints.kubernetes.io/last-change-trigger-time} says when the change being
 * published happened. Endpoints of a deleted Service are deleted. Pod and Service changes
 * are handled as they arrive (no batching), so readiness shows up within the informer's
 * latency.
 */
public final class EndpointsController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointsController.class);
    /** kube's {@code maxCapacity}: addresses kept in one Endpoints object. */
    static final int MAX_CAPACITY = 1000;

    static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

    private final ObjectStore<Endpoints> endpoints;
    private final Informer<Service> services;
    private final Informer<Pod> pods;
    private final Informer<Endpoints> epInformer;
    private final WorkQueue<String> queue;
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    private final int workers;

    public EndpointsController(ControllerContext ctx) {
        this.queue = ctx.newQueue("endpoint");
        this.endpoints = ctx.store().of(EndpointsKind.RESOURCE);
        this.services = ctx.informers().get(ServiceKind.RESOURCE);
        this.pods = ctx.informers().get(PodKind.RESOURCE);
        this.epInformer = ctx.informers().get(EndpointsKind.RESOURCE);
        this.workers = ctx.options().concurrentEndpointSyncs;
        services.addHandler(ResourceEventHandler.onAnyChange(s -> queue.add(key(s.getMetadata()))));
        pods.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueFor(p, null);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                enqueueFor(p, o);
            }

            @Override
            public void onDelete(Pod p) {
                enqueueFor(p, null);
            }
        });
        epInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onDelete(Endpoints e) {
                queue.add(key(e.getMetadata()));
            }

            @Override
            public void onUpdate(Endpoints o, Endpoints e) {
                queue.add(key(e.getMetadata()));
            }
        });
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private void enqueueFor(Pod p, Pod old) {
        for (Service s : services.byNamespace(p.getMetadata().getNamespace())) {
            Map<String, String> sel = s.getSpec().getSelectorMap();
            if (selects(sel, p) || (old != null && selects(sel, old))) {
                queue.add(key(s.getMetadata()));
            }
        }
    }

    @Override
    public String name() {
        return "endpoint";
    }

    @Override
    public void start() {
        // Endpoints whose Service is gone (deleted while no controller-manager ran) are cleaned up too.
        for (Endpoints e : epInformer.list()) {
            queue.add(key(e.getMetadata()));
        }
        queue.start(workers, this::sync);
    }

    private Result sync(String key) throws Exception {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service svc = services.get(ns, name).orElse(null);
        Endpoints cur = epInformer.get(ns, name).orElse(null);
        if (svc == null) {
            triggerTimes.forget(ns, name);
            if (cur != null) {
                try {
                    endpoints
                            .delete(
                                    ns,
                                    name,
                                    Preconditions.uid(cur.getMetadata().getUid()))
                            .get(15, TimeUnit.SECONDS);
                    LOG.info("deleted Endpoints {} of a deleted Service", key);
                } catch (Exception e) {
                    if (!Pods.isGone(e)) {
                        throw e;
                    }
                }
            }
            return Result.done();
        }
        if (svc.getSpec().getSelectorCount() == 0) {
            return Result.done(); // endpoints of selector-less services are the user's
        }
        List<Pod> selected = pods.byNamespace(ns).stream()
                .filter(p -> EndpointPods.selects(svc.getSpec().getSelectorMap(), p))
                .toList();
        // computed on every sync, so the tracker's state follows even when nothing is written
        Instant trigger = triggerTimes.compute(svc, selected);
        List<EndpointSubset> subsets = subsets(svc, selected);
        Map<String, String> labels = new TreeMap<>(svc.getMetadata().getLabelsMap());
        if (EndpointPods.isHeadless(svc)) {
            labels.put("service.kubernetes.io/headless", "");
        }
        if (cur != null
                && cur.getSubsetsList().equals(subsets)
                && cur.getMetadata().getLabelsMap().equals(labels)
                && !cur.getMetadata().containsAnnotations(OVER_CAPACITY)) {
            return Result.done();
        }
        List<EndpointSubset> kept = truncate(subsets);
        if (cur != null
                && kept != subsets
                && cur.getSubsetsList().equals(kept)
                && cur.getMetadata().getLabelsMap().equals(labels)
                && cur.getMetadata().containsAnnotations(OVER_CAPACITY)) {
            return Result.done(); // still over capacity, and already truncated to the same addresses
        }
        ObjectMeta.Builder m = (cur == null
                        ? ObjectMeta.newBuilder().setNamespace(ns).setName(name)
                        : cur.getMetadata().toBuilder())
                .clearLabels()
                .putAllLabels(labels);
        if (trigger != null) {
            m.putAnnotations(TriggerTimeTracker.ANNOTATION, TriggerTimeTracker.format(trigger));
        } else {
            m.removeAnnotations(TriggerTimeTracker.ANNOTATION);
        }
        if (kept != subsets) {
            m.putAnnotations(OVER_CAPACITY, "truncated");
            LOG.info("Endpoints {} over capacity: kept {} of its addresses", key, MAX_CAPACITY);
        } else {
            m.removeAnnotations(OVER_CAPACITY);
        }
        if (cur == null) {
            endpoints
                    .create(Endpoints.newBuilder()
                            .setMetadata(m)
                            .addAllSubsets(kept)
                            .build())
                    .get(15, TimeUnit.SECONDS);
        } else {
            endpoints
                    .update(cur.toBuilder()
                            .setMetadata(m)
                            .clearSubsets()
                            .addAllSubsets(kept)
                            .build())
                    .get(15, TimeUnit.SECONDS);
        }
        return Result.done();
    }

    private static boolean selects(Map<String, String> selector, Pod p) {
        return EndpointPods.selects(selector, p);
    }

    /**
     * kube's {@code truncateEndpoints}: at most {@link #MAX_CAPACITY} addresses, ready ones
     * first, each subset keeping its share (rounded up) of the kind being cut. The very list
     * when nothing needs cutting.
     */
    static List<EndpointSubset> truncate(List<EndpointSubset> subsets) {
        int ready = 0;
        int notReady = 0;
        for (EndpointSubset s : subsets) {
            ready += s.getAddressesCount();
            notReady += s.getNotReadyAddressesCount();
        }
        if (ready + notReady <= MAX_CAPACITY) {
            return subsets;
        }
        boolean cutReady = ready > MAX_CAPACITY;
        int max = cutReady ? MAX_CAPACITY : MAX_CAPACITY - ready;
        int total = cutReady ? ready : notReady;
        int left = max;
        List<EndpointSubset> out = new ArrayList<>();
        for (EndpointSubset s : subsets) {
            int in = cutReady ? s.getAddressesCount() : s.getNotReadyAddressesCount();
            int share = Math.min((int) Math.ceil((double) in / total * max), left);
            EndpointSubset.Builder b = s.toBuilder();
            if (cutReady) {
                b.clearAddresses().addAllAddresses(s.getAddressesList().subList(0, Math.min(share, in)));
                b.clearNotReadyAddresses();
                left -= Math.min(share, in);
            } else {
                b.clearNotReadyAddresses()
                        .addAllNotReadyAddresses(s.getNotReadyAddressesList().subList(0, Math.min(share, in)));
                left -= Math.min(share, in);
            }
            out.add(b.build());
        }
        return out;
    }

    /** The subsets for {@code svc} over {@code candidates}, sorted so equal inputs give equal output. */
    static List<EndpointSubset> subsets(Service svc, List<Pod> candidates) {
        boolean publishNotReady = svc.getSpec().getPublishNotReadyAddresses();
        Map<List<EndpointPort>, List<List<EndpointAddress>>> groups = new LinkedHashMap<>();
        for (Pod p : candidates) {
            if (!selects(svc.getSpec().getSelectorMap(), p)) {
                continue;
            }
            if (!EndpointPods.shouldBeInEndpoints(p, publishNotReady)) {
                continue;
            }
            if (svc.getSpec().getPortsCount() == 0 && !EndpointPods.isHeadless(svc)) {
                continue; // only a headless Service may have endpoints without ports
            }
            List<EndpointPort> ports = new ArrayList<>();
            boolean skip = false;
            for (ServicePort sp : svc.getSpec().getPortsList()) {
                OptionalInt port = EndpointPods.findPort(p, sp);
                if (port.isEmpty()) {
                    skip = true;
                    LOG.debug("pod {} has no port for service port {}", Pods.key(p), sp.getName());
                    continue;
                }
                EndpointPort.Builder ep = EndpointPort.newBuilder()
                        .setName(sp.getName())
                        .setPort(port.getAsInt())
                        .setProtocol(EndpointPods.protocol(sp));
                if (!sp.getAppProtocol().isEmpty()) {
                    ep.setAppProtocol(sp.getAppProtocol());
                }
                ports.add(ep.build());
            }
            if (skip && ports.isEmpty()) {
                continue;
            }
            ports.sort(Comparator.comparing(EndpointPort::getName).thenComparing(EndpointPort::getPort));
            EndpointAddress.Builder a = EndpointAddress.newBuilder()
                    .setIp(EndpointPods.ips(p).get(0))
                    .setTargetRef(Pods.ref(p).toBuilder().setResourceVersion(""));
            if (!p.getSpec().getNodeName().isEmpty()) {
                a.setNodeName(p.getSpec().getNodeName());
            }
            if (EndpointPods.shouldSetHostname(p, svc)) {
                a.setHostname(p.getSpec().getHostname());
            }
            List<List<EndpointAddress>> g =
                    groups.computeIfAbsent(ports, k -> List.of(new ArrayList<>(), new ArrayList<>()));
            if (Pods.isReady(p) || publishNotReady) {
                g.get(0).add(a.build());
            } else {
                g.get(1).add(a.build());
            }
        }
        List<EndpointSubset> out = new ArrayList<>();
        Comparator<EndpointAddress> byIp = Comparator.comparing(EndpointAddress::getIp)
                .thenComparing(x -> x.getTargetRef().getName());
        for (Map.Entry<List<EndpointPort>, List<List<EndpointAddress>>> e : groups.entrySet()) {
            List<EndpointAddress> ready = e.getValue().get(0);
            List<EndpointAddress> notReady = e.getValue().get(1);
            ready.sort(byIp);
            notReady.sort(byIp);
            out.add(EndpointSubset.newBuilder()
                    .addAllAddresses(ready)
                    .addAllNotReadyAddresses(notReady)
                    .addAllPorts(e.getKey())
                    .build());
        }
        out.sort(Comparator.comparing(EndpointSubset::toString));
        return out;
    }

    @Override
    public void close() {
        queue.close();
    }
}
