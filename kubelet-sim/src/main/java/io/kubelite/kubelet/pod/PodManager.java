package io.kubelite.kubelet.pod;

import io.kubelite.api.Pod;
import io.kubelite.kubelet.node.NodeAgent;
import io.kubelite.store.informer.ResourceEventHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the pod informer's events to per-pod workers: a pod bound to one of this
 * process's nodes gets a {@link PodWorker} — adopted when a previous process already ran
 * it, else admitted (or rejected) by its node — and later versions of the object go to
 * that worker. Pods on other nodes are ignored.
 */
public final class PodManager implements ResourceEventHandler<Pod>, NodeAgent.Pods {
    /** kube's buckets of kubelet_pod_start_duration_seconds. */
    private static final Duration[] POD_START_BUCKETS = java.util.stream.DoubleStream.of(
                    0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800,
                    2700, 3600)
            .mapToObj(sec -> Duration.ofMillis((long) (sec * 1000)))
            .toArray(Duration[]::new);

    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final Map<String, NodeAgent> agents = new ConcurrentHashMap<>();
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    /** Shared by the workers' statuses and the pod informer's copies ({@link PodSharing}). */
    private final SharedMessages messages = new SharedMessages();

    private final Map<String, Set<PodWorker>> byNode = new ConcurrentHashMap<>();
    private volatile PodStatusWriter writer;
    private volatile Timer podStart;
    private volatile boolean closed;

    public void addAgent(NodeAgent agent) {
        agents.put(agent.name(), agent);
    }

    public void setWriter(PodStatusWriter writer) {
        this.writer = writer;
    }

    /** The small messages the workers' statuses share: give the pod informer's {@link PodSharing} the same. */
    public SharedMessages messages() {
        return messages;
    }

    public PodWorker worker(String key) {
        return workers.get(key);
    }

    public int size() {
        return workers.size();
    }

    @Override
    public void onAdd(Pod pod) {
        handle(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
        handle(newPod);
    }

    @Override
    public void onDelete(Pod pod) {
        String key = key(pod);
        PodWorker w = workers.get(key);
        if (w != null && w.uid().equals(pod.getMetadata().getUid())) {
            remove(w);
        }
    }

    private void remove(PodWorker w) {
        workers.remove(w.key(), w);
        Set<PodWorker> set = byNode.get(nodeOf(w.pod()));
        if (set != null) {
            set.remove(w);
        }
        w.destroy();
    }

    private static String key(Pod p) {
        // interned: one key string per pod across the maps of the workers, runtime and usage model
        return (p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).intern();
    }

    private static String nodeOf(Pod p) {
        return p.getSpec().getNodeName();
    }

    private void handle(Pod pod) {
        if (closed) {
            return;
        }
        NodeAgent agent = agents.get(nodeOf(pod));
        if (agent == null) {
            return;
        }
        String key = key(pod);
        PodWorker w = workers.get(key);
        if (w != null && !w.uid().equals(pod.getMetadata().getUid())) {
            remove(w);
            w = null;
        }
        if (w != null) {
            w.update(pod);
            return;
        }
        w = new PodWorker(pod, agent, messages);
        workers.put(key, w);
        byNode.computeIfAbsent(agent.name(), n -> ConcurrentHashMap.newKeySet()).add(w);
        try {
            if (PodAdoption.startedBefore(pod)) {
                w.adopt();
            } else {
                PodAdmitter.Result r = agent.admit(pod);
                if (r.admitted()) {
                    w.start();
                } else {
                    LOG.info("pod {} rejected on node {}: {} ({})", key, agent.name(), r.reason(), r.message());
                    w.reject(r.reason(), r.message());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("pod {}: worker failed to start", key, e);
        }
    }

    /** Publishes kube's {@code kubelet_pod_start_duration_seconds} of this process's pods into {@code registry}. */
    public void recordMetricsIn(MeterRegistry registry) {
        podStart = Timer.builder("kubelet_pod_start_duration")
                .description("Duration in seconds from kubelet seeing a pod for the first time to the pod starting to"
                        + " run (all the nodes of this process)")
                .serviceLevelObjectives(POD_START_BUCKETS)
                .register(registry);
    }

    @Override
    public void statusChanged(PodWorker worker) {
        Timer t = podStart;
        if (t != null) {
            long d = worker.takeStartDurationMillis();
            if (d >= 0) {
                t.record(d, TimeUnit.MILLISECONDS);
            }
        }
        PodStatusWriter w = writer;
        if (w != null && !closed) {
            w.enqueue(worker.key());
        }
    }

    @Override
    public List<PodWorker> workersOn(String nodeName) {
        Set<PodWorker> set = byNode.get(nodeName);
        return set == null ? List.of() : new ArrayList<>(set);
    }

    /** Stops every container without writing anything (the process is going away; a successor adopts the pods). */
    public void close() {
        closed = true;
        for (PodWorker w : workers.values()) {
            w.destroyQuietly();
        }
        workers.clear();
    }
}
