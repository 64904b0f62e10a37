package io.kubelite.scheduler;

import io.kubelite.api.Event;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ListOptions;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One scheduler component over its own etcd prefix, started as ComponentMain would
 * start it (start, then onStartedLeading with the unelected term), plus typed access to
 * the pods, nodes and events it works on.
 */
final class SchedulerUnderTest implements AutoCloseable {
    final Etcd etcd;
    final ObjectStore<Pod> pods;
    final ObjectStore<Node> nodes;
    final ObjectStore<Event> events;
    final SchedulerComponent component;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    SchedulerUnderTest(EtcdExtension ext, SchedulerConfig config) throws Exception {
        this(ext.connect(ext.newPrefix()), config, null);
    }

    /** With {@code term} null the component runs unelected; else it leads with that term. */
    SchedulerUnderTest(Etcd etcd, SchedulerConfig config, Leadership term) throws Exception {
        this.etcd = etcd;
        Store store = new Store(etcd);
        this.pods = store.of(PodKind.RESOURCE);
        this.nodes = store.of(NodeKind.RESOURCE);
        this.events = store.of(EventKind.RESOURCE);
        this.component = new SchedulerComponent(id -> config);
        ComponentContext ctx = new ComponentContext(
                "scheduler",
                config.identity(),
                etcd,
                new CommonOptions(),
                registry,
                new ReadinessChecks(),
                (reason, err) -> {
                    throw new AssertionError("fatal: " + reason, err);
                });
        component.start(ctx);
        component.onStartedLeading(term == null ? Leadership.UNELECTED : term);
    }

    static SchedulerConfig fastConfig() {
        return new SchedulerConfig("default-scheduler", "test", Duration.ofMillis(200), Duration.ofSeconds(2), 64);
    }

    Scheduler scheduler() {
        return component.scheduler();
    }

    Node create(Node.Builder n) {
        return join(nodes.create(n.build()));
    }

    Pod create(Pod.Builder p) {
        return join(pods.create(p.build()));
    }

    Pod get(String name) {
        return join(pods.get("default", name));
    }

    /** Waits until the pod is bound and returns its node. */
    String awaitBound(String name, Duration timeout) {
        return Poll.value(timeout, "pod " + name + " bound", () -> {
            String n = get(name).getSpec().getNodeName();
            return n.isEmpty() ? null : n;
        });
    }

    PodCondition podScheduled(String name) {
        return PodScheduledCondition.find(get(name).getStatus());
    }

    /** Waits until the pod carries PodScheduled=False/Unschedulable and returns the condition. */
    PodCondition awaitUnschedulable(String name, Duration timeout) {
        return Poll.value(timeout, "pod " + name + " marked Unschedulable", () -> {
            PodCondition c = podScheduled(name);
            return c != null && c.getStatus().equals("False") && c.getReason().equals("Unschedulable") ? c : null;
        });
    }

    List<Event> eventsFor(String podName) {
        return join(events.list(new ListOptions<>("default", null, 0, 0, ""))).items().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(podName))
                .toList();
    }

    boolean exists(String name) {
        try {
            get(name);
            return true;
        } catch (StoreException e) {
            if (e instanceof NotFoundException) {
                return false;
            }
            throw e;
        }
    }

    static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        component.close();
    }
}
