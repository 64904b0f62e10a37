package io.kubelite.controllers.endpointslice;

import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.EndpointPods;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.TriggerTimeTracker;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.StaleCacheException;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' EndpointSlice controller: for every Service with a selector (not ExternalName),
 * EndpointSlices labeled {@code kubernetes.io/service-name} and {@code
 * endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}, owned by the Service,
 * holding one endpoint per selected pod with an IP — terminating ones included — with kube's
 * ready/serving/terminating conditions, node, zone, hostname and pod reference. Pods whose
 * named target ports resolve to different numbers go to different slices; a slice holds at most
 * {@code --max-endpoints-per-slice} endpoints; {@link SliceReconciler} places them with little
 * churn. Slices without the managed-by label (a user's, for a Service without selector) are
 * never touched. The Endpoints controller publishes the same pods (through {@link EndpointPods})
 * as the Endpoints object.
 *
 * <p>A {@link SliceTracker} keeps the controller from acting on a cache that has not seen its
 * own writes yet. Slices of a deleted Service are deleted here (the garbage collector would
 * also remove them through their owner reference).
 */
public final class EndpointSliceController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceController.class);
    /** kube's {@code endpointSliceChangeMinSyncDelay}: a slice changed by someone else is resynced after this. */
    private static final Duration SLICE_CHANGE_DELAY = Duration.ofSeconds(1);

    private static final String SERVICE_INDEX = "service";

    private final ObjectStore<EndpointSlice> slices;
    private final Informer<Service> services;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Informer<EndpointSlice> sliceInformer;
    private final EventRecorder recorder;
    private final SliceReconciler reconciler;
    private final SliceTracker tracker = new SliceTracker();
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    private final WorkQueue<String> queue;
    private final int workers;

    public EndpointSliceController(ControllerContext ctx) {
        this.queue = ctx.newQueue("endpointslice");
        this.slices = ctx.store().of(EndpointSliceKind.RESOURCE);
        this.services = ctx.informers().get(ServiceKind.RESOURCE);
        this.pods = ctx.informers().get(PodKind.RESOURCE);
        this.nodes = ctx.informers().get(NodeKind.RESOURCE);
        this.sliceInformer = ctx.informers().get(EndpointSliceKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.reconciler = new SliceReconciler(ctx.options().maxEndpointsPerSlice);
        this.workers = ctx.options().concurrentServiceEndpointSyncs;
        sliceInformer.addIndex(SERVICE_INDEX, s -> {
            String svc = s.getMetadata().getLabelsOrDefault(EndpointSliceKind.SERVICE_NAME_LABEL, "");
            return svc.isEmpty() ? List.of() : List.of(s.getMetadata().getNamespace() + "/" + svc);
        });
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
        sliceInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice s) {
                if (managed(s) && tracker.shouldSync(serviceKey(s), s)) {
                    queue.addAfter(serviceKey(s), SLICE_CHANGE_DELAY);
                }
            }

            @Override
            public void onUpdate(EndpointSlice o, EndpointSlice s) {
                if (!serviceKey(o).equals(serviceKey(s))) {
                    queue.addAfter(serviceKey(o), SLICE_CHANGE_DELAY); // a user relabeled it
                    queue.addAfter(serviceKey(s), SLICE_CHANGE_DELAY);
                } else if (managed(o) != managed(s) || (managed(s) && tracker.shouldSync(serviceKey(s), s))) {
                    queue.addAfter(serviceKey(s), SLICE_CHANGE_DELAY);
                }
            }

            @Override
            public void onDelete(EndpointSlice s) {
                if (managed(s) && !tracker.handleDeletion(serviceKey(s), s)) {
                    queue.addAfter(serviceKey(s), SLICE_CHANGE_DELAY);
                }
            }
        });
    }

    private static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private static String serviceKey(EndpointSlice s) {
        return s.getMetadata().getNamespace() + "/"
                + s.getMetadata().getLabelsOrDefault(EndpointSliceKind.SERVICE_NAME_LABEL, "");
    }

    private static boolean managed(EndpointSlice s) {
        return SliceReconciler.CONTROLLER_NAME.equals(
                s.getMetadata().getLabelsOrDefault(EndpointSliceKind.MANAGED_BY_LABEL, ""));
    }

    private void enqueueFor(Pod p, Pod old) {
        for (Service s : services.byNamespace(p.getMetadata().getNamespace())) {
            Map<String, String> sel = s.getSpec().getSelectorMap();
            if (EndpointPods.selects(sel, p) || (old != null && EndpointPods.selects(sel, old))) {
                queue.add(key(s.getMetadata()));
            }
        }
    }

    @Override
    public String name() {
        return "endpointslice";
    }

    @Override
    public void start() {
        // slices of Services deleted while no controller-manager ran are cleaned up too
        for (EndpointSlice s : sliceInformer.list()) {
            if (managed(s)) {
                queue.add(serviceKey(s));
            }
        }
        queue.start(workers, this::sync);
    }

    private Result sync(String key) throws Exception {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        List<EndpointSlice> existing = sliceInformer.byIndex(SERVICE_INDEX, key).stream()
                .filter(EndpointSliceController::managed)
                .filter(s -> !s.getMetadata().hasDeletionTimestamp())
                .toList();
        Service svc = services.get(ns, name).orElse(null);
        if (svc == null) {
            triggerTimes.forget(ns, name);
            tracker.forget(key);
            for (EndpointSlice s : existing) {
                delete(s);
                LOG.info(
                        "deleted EndpointSlice {}/{} of deleted Service {}",
                        ns,
                        s.getMetadata().getName(),
                        key);
            }
            return Result.done();
        }
        if (svc.getSpec().getType().equals("ExternalName") || svc.getSpec().getSelectorCount() == 0) {
            return Result.done(); // no managed slices: a selector-less Service's slices are its user's
        }
        if (tracker.stale(key, existing)) {
            throw new StaleCacheException("EndpointSlice informer cache is out of date for Service " + key);
        }
        List<Pod> selected = pods.byNamespace(ns).stream()
                .filter(p -> EndpointPods.selects(svc.getSpec().getSelectorMap(), p))
                .toList();
        Instant trigger = triggerTimes.compute(svc, selected);
        SlicePlan plan = reconciler.plan(
                svc,
                selected,
                existing,
                n -> n.isEmpty() ? null : nodes.get(null, n).orElse(null));
        try {
            apply(key, plan, trigger);
        } catch (Exception e) {
            recorder.warning(
                    ref(svc),
                    "FailedToUpdateEndpointSlices",
                    "Error updating Endpoint Slices for Service " + key + ": " + e.getMessage());
            throw e;
        }
        return plan.podsOnMissingNodes() ? Result.requeue() : Result.done();
    }

    private void apply(String key, SlicePlan plan, Instant trigger) throws Exception {
        for (EndpointSlice s : plan.create()) {
            EndpointSlice created = slices.create(withTrigger(s, trigger)).get(15, TimeUnit.SECONDS);
            tracker.written(key, created);
            LOG.info(
                    "created EndpointSlice {}/{} for Service {} ({} endpoints)",
                    created.getMetadata().getNamespace(),
                    created.getMetadata().getName(),
                    key,
                    created.getEndpointsCount());
        }
        for (EndpointSlice s : plan.update()) {
            EndpointSlice updated = slices.update(withTrigger(s, trigger)).get(15, TimeUnit.SECONDS);
            tracker.written(key, updated);
            LOG.info(
                    "updated EndpointSlice {}/{} for Service {} ({} endpoints)",
                    updated.getMetadata().getNamespace(),
                    updated.getMetadata().getName(),
                    key,
                    updated.getEndpointsCount());
        }
        for (EndpointSlice s : plan.delete()) {
            delete(s);
            tracker.deleted(key, s);
            LOG.info(
                    "deleted EndpointSlice {}/{} of Service {}",
                    s.getMetadata().getNamespace(),
                    s.getMetadata().getName(),
                    key);
        }
    }

    private void delete(EndpointSlice s) throws Exception {
        try {
            slices.delete(
                            s.getMetadata().getNamespace(),
                            s.getMetadata().getName(),
                            Preconditions.uid(s.getMetadata().getUid()))
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
    }

    /** kube's {@code addTriggerTimeAnnotation}: set to the trigger time, or removed when there is none. */
    private static EndpointSlice withTrigger(EndpointSlice s, Instant trigger) {
        ObjectMeta.Builder m = s.getMetadata().toBuilder();
        if (trigger != null) {
            m.putAnnotations(TriggerTimeTracker.ANNOTATION, TriggerTimeTracker.format(trigger));
        } else {
            m.removeAnnotations(TriggerTimeTracker.ANNOTATION);
        }
        return s.toBuilder().setMetadata(m).build();
    }

    private static ObjectReference ref(Service svc) {
        return ObjectReference.newBuilder()
                .setKind("Service")
                .setApiVersion("v1")
                .setNamespace(svc.getMetadata().getNamespace())
                .setName(svc.getMetadata().getName())
                .setUid(svc.getMetadata().getUid())
                .build();
    }

    @Override
    public void close() {
        queue.close();
    }
}
