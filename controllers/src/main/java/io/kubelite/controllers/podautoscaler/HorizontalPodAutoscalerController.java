package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.Pod;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.ControllerOptions;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's horizontal pod autoscaler controller: every HPA is reconciled once per
 * {@code --horizontal-pod-autoscaler-sync-period} (and at once when created or its spec changes):
 * its target's scale is read and written through {@link ScaleTargets}, each metric's proposal computed
 * from the pods' resource usage ({@link MetricProposals}, {@link ReplicaCalculator}), the largest
 * normalized ({@link ScaleNormalizer}), and the status written with a compare on the HPA's revision
 * when it changed ({@link AutoscalerSync} has the whole reconcile). A failing HPA gets its condition and
 * Events and is tried again next period; nothing one HPA holds can stop the others.
 */
public final class HorizontalPodAutoscalerController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(HorizontalPodAutoscalerController.class);

    private final ControllerOptions options;
    private final Informer<HorizontalPodAutoscaler> hpas;
    private final Informer<Pod> pods;
    private final ObjectStore<HorizontalPodAutoscaler> store;
    private final ScaleTargets targets;
    private final MetricProposals metrics;
    private final ScaleNormalizer normalizer;
    private final EventRecorder recorder;
    private final Clock clock;
    private final WorkQueue<String> queue;

    public HorizontalPodAutoscalerController(ControllerContext ctx, PodMetricsSource source) {
        this.options = ctx.options();
        this.clock = options.clock;
        this.queue = ctx.newQueue("horizontalpodautoscaler");
        this.hpas = ctx.informers().get(HorizontalPodAutoscalerKind.RESOURCE);
        this.pods = ctx.informers().get(PodKind.RESOURCE);
        this.store = ctx.store().of(HorizontalPodAutoscalerKind.RESOURCE);
        Informer<CustomResourceDefinition> crds = ctx.informers().get(CustomResourceDefinitionKind.RESOURCE);
        this.targets = new ScaleTargets(ctx.store(), crds::list);
        this.metrics = new MetricProposals(
                source,
                new ReplicaCalculator(
                        options.hpaTolerance,
                        options.hpaCpuInitializationPeriod,
                        options.hpaInitialReadinessDelay,
                        clock));
        this.normalizer = new ScaleNormalizer(options.hpaDownscaleStabilization, clock);
        this.recorder = ctx.recorder();
        hpas.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HorizontalPodAutoscaler h) {
                queue.add(key(h));
            }

            @Override
            public void onUpdate(HorizontalPodAutoscaler old, HorizontalPodAutoscaler h) {
                // our own status writes would otherwise re-run the sync at once; the period covers the rest
                if (old.getMetadata().getGeneration() != h.getMetadata().getGeneration()) {
                    queue.add(key(h));
                }
            }

            @Override
            public void onDelete(HorizontalPodAutoscaler h) {
                normalizer.forget(key(h));
            }
        });
    }

    static String key(HorizontalPodAutoscaler h) {
        return h.getMetadata().getNamespace() + "/" + h.getMetadata().getName();
    }

    @Override
    public String name() {
        return "horizontalpodautoscaling";
    }

    @Override
    public void start() {
        queue.start(options.concurrentHorizontalPodAutoscalerSyncs, this::sync);
    }

    private Result sync(String key) {
        int slash = key.indexOf('/');
        HorizontalPodAutoscaler hpa =
                hpas.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
        if (hpa == null || hpa.getMetadata().hasDeletionTimestamp()) {
            normalizer.forget(key);
            return Result.done();
        }
        String ns = hpa.getMetadata().getNamespace();
        HorizontalPodAutoscalerStatus status = new AutoscalerSync(
                        hpa,
                        targets,
                        metrics,
                        normalizer,
                        (Selector sel) -> podsMatching(ns, sel),
                        recorder,
                        clock.instant())
                .run();
        if (!status.equals(hpa.getStatus())) {
            try {
                store.update(hpa.toBuilder().setStatus(status).build()).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a newer HPA (or a lost leadership) wins; the next period syncs from it
                LOG.info("hpa {}: status not written: {}", key, e.getCause() != null ? e.getCause() : e);
                recorder.warning(
                        EventRecorder.ref(
                                HorizontalPodAutoscalerKind.RESOURCE.apiVersion(),
                                HorizontalPodAutoscalerKind.RESOURCE.kind(),
                                hpa.getMetadata()),
                        "FailedUpdateStatus",
                        String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        return Result.requeueAfter(options.hpaSyncPeriod);
    }

    private List<Pod> podsMatching(String ns, Selector sel) {
        return pods.byNamespace(ns).stream()
                .filter(p -> sel.matches(p.getMetadata().getLabelsMap()))
                .toList();
    }

    @Override
    public void close() {
        queue.close();
    }
}
