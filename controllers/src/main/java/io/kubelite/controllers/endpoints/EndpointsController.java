package io.kubelite.controllers.endpoints;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * are left out. Ports are resolved per pod: a numeric {@code targetPort} as is (unset:
 * the service port), a named one through the pod's container ports of that name and
 * protocol (a pod without it is left out of that port). Addresses with the same ports
 * are grouped into one subset. Endpoints of a deleted Service are deleted. Pod and
 * Service changes are handled as they arrive (no batching), so readiness shows up
 * within the informer's latency.
 */
public final class EndpointsController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointsController.class);

    private final ObjectStore<Endpoints> endpoints;
    private final Informer<Service> services;
    private final Informer<Pod> pods;
    private final Informer<Endpoints> epInformer;
    private final WorkQueue<String> queue = WorkQueue.builder("endpoint").build();
    private final int workers;

    public EndpointsController(ControllerContext ctx) {
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
        List<EndpointSubset> subsets = subsets(svc, pods.byNamespace(ns));
        Map<String, String> labels = new TreeMap<>(svc.getMetadata().getLabelsMap());
        if (svc.getSpec().getClusterIp().equals("None")) {
            labels.put("service.kubernetes.io/headless", "");
        }
        if (cur != null
                && cur.getSubsetsList().equals(subsets)
                && cur.getMetadata().getLabelsMap().equals(labels)) {
            return Result.done();
        }
        if (cur == null) {
            endpoints
                    .create(Endpoints.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(ns)
                                    .setName(name)
                                    .putAllLabels(labels))
                            .addAllSubsets(subsets)
                            .build())
                    .get(15, TimeUnit.SECONDS);
        } else {
            endpoints
                    .update(cur.toBuilder()
                            .setMetadata(
                                    cur.getMetadata().toBuilder().clearLabels().putAllLabels(labels))
                            .clearSubsets()
                            .addAllSubsets(subsets)
                            .build())
                    .get(15, TimeUnit.SECONDS);
        }
        return Result.done();
    }

    /** The subsets for {@code svc} over {@code candidates}, sorted so equal inputs give equal output. */
    /** A Service's selector: every pair must match; a Service without one selects no pod (its Endpoints are the user's). */
    private static boolean selects(Map<String, String> selector, Pod p) {
        return !selector.isEmpty()
                && !MirrorPods.isMirror(p)
                && Selector.ofMap(selector).matches(p.getMetadata().getLabelsMap());
    }

    static List<EndpointSubset> subsets(Service svc, List<Pod> candidates) {
        boolean publishNotReady = svc.getSpec().getPublishNotReadyAddresses();
        Map<List<EndpointPort>, List<List<EndpointAddress>>> groups = new LinkedHashMap<>();
        for (Pod p : candidates) {
            if (!selects(svc.getSpec().getSelectorMap(), p)) {
                continue;
            }
            if (p.getStatus().getPodIp().isEmpty()
                    || Pods.isTerminal(p)
                    || (Pods.isTerminating(p) && !publishNotReady)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            boolean skip = false;
            for (ServicePort sp : svc.getSpec().getPortsList()) {
                int port = resolvePort(p, sp);
                if (port <= 0) {
                    skip = true;
                    LOG.debug("pod {} has no port for service port {}", Pods.key(p), sp.getName());
                    continue;
                }
                EndpointPort.Builder ep = EndpointPort.newBuilder()
                        .setName(sp.getName())
                        .setPort(port)
                        .setProtocol(sp.getProtocol().isEmpty() ? "TCP" : sp.getProtocol());
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
                    .setIp(p.getStatus().getPodIp())
                    .setTargetRef(Pods.ref(p).toBuilder().setResourceVersion(""));
            if (!p.getSpec().getNodeName().isEmpty()) {
                a.setNodeName(p.getSpec().getNodeName());
            }
            if (!p.getSpec().getHostname().isEmpty()
                    && p.getSpec().getSubdomain().equals(svc.getMetadata().getName())) {
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

    /** The pod's port for a service port: numeric targetPort, named container port, or the service port. */
    static int resolvePort(Pod p, ServicePort sp) {
        Value tp = sp.getTargetPort();
        if (tp.hasStringValue()) {
            String name = tp.getStringValue();
            String proto = sp.getProtocol().isEmpty() ? "TCP" : sp.getProtocol();
            for (Container c : p.getSpec().getContainersList()) {
                for (ContainerPort cp : c.getPortsList()) {
                    String cproto = cp.getProtocol().isEmpty() ? "TCP" : cp.getProtocol();
                    if (cp.getName().equals(name) && cproto.equals(proto)) {
                        return cp.getContainerPort();
                    }
                }
            }
            try {
                return Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        if (tp.hasNumberValue() && tp.getNumberValue() > 0) {
            return (int) tp.getNumberValue();
        }
        return sp.getPort();
    }

    @Override
    public void close() {
        queue.close();
    }
}
