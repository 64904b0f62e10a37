package io.kubelite.bench.density;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each pod's writes reached etcd, as an informer watching etcd directly sees them (the
 * benchmark's own clock, nanoseconds): created (the ReplicaSet controller's create), scheduled
 * (the scheduler's bind set {@code spec.nodeName}) and running (kubelet-sim wrote phase
 * {@code Running}). These split pod startup into CL2's phases with millisecond precision, which
 * the objects' own timestamps (whole seconds) cannot. Only pods whose names start with the
 * given prefix are tracked. Owns its informer.
 */
final class EtcdPodTimeline implements AutoCloseable {
    /** Nanosecond times; 0 until seen. */
    static final class Times {
        volatile long created;
        volatile long scheduled;
        volatile long running;
    }

    private final Map<String, Times> pods = new ConcurrentHashMap<>();
    private final Informer<Pod> informer;

    EtcdPodTimeline(Etcd etcd, String namespace, String namePrefix) {
        informer = new Informer<>(new Store(etcd).of(PodKind.RESOURCE), namespace);
        informer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                seen(p);
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                seen(n);
            }

            private void seen(Pod p) {
                if (!p.getMetadata().getName().startsWith(namePrefix)) {
                    return;
                }
                long now = System.nanoTime();
                Times t = pods.computeIfAbsent(p.getMetadata().getName(), k -> new Times());
                if (t.created == 0) {
                    t.created = now;
                }
                if (t.scheduled == 0 && !p.getSpec().getNodeName().isEmpty()) {
                    t.scheduled = now;
                }
                if (t.running == 0 && p.getStatus().getPhase().equals("Running")) {
                    t.running = now;
                }
            }
        });
    }

    void start() {
        informer.start();
        if (!informer.awaitSynced(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the etcd pod watch did not sync within 60 s");
        }
    }

    /** The pods seen so far. */
    java.util.Set<String> names() {
        return pods.keySet();
    }

    Times get(String name) {
        return pods.get(name);
    }

    @Override
    public void close() {
        informer.close();
    }
}
