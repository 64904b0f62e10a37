package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ReplicaSet;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplicaSetTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static void scale(ControllerManagerUnderTest h, String name, int replicas) {
        ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        name,
                        rs -> rs.toBuilder()
                                .setSpec(rs.getSpec().toBuilder().setReplicas(replicas))
                                .build()));
    }

    @Test
    void expectationsScenarioNeverOvershoots() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            // watch every pod from the start: count alive pods and every create
            Informer<Pod> watch = new Informer<>(h.of(PodKind.RESOURCE), "default");
            Set<String> alive = ConcurrentHashMap.newKeySet();
            AtomicInteger maxAlive = new AtomicInteger();
            AtomicInteger created = new AtomicInteger();
            watch.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod p) {
                    created.incrementAndGet();
                    alive.add(p.getMetadata().getName());
                    maxAlive.accumulateAndGet(alive.size(), Math::max);
                }

                @Override
                public void onDelete(Pod p) {
                    alive.remove(p.getMetadata().getName());
                }
            });
            watch.start();
            try {
                h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("burst", 0, 300)));
                scale(h, "burst", 100);
                // scale down while the creates are in flight and the informer lags behind them
                Poll.until(Duration.ofSeconds(10), "first pods exist", () -> !alive.isEmpty());
                scale(h, "burst", 10);
                scale(h, "burst", 50);
                Poll.until(Duration.ofSeconds(30), "50 pods and status settled", () -> {
                    ReplicaSet rs = h.getOrNull(ReplicaSetKind.RESOURCE, "default", "burst");
                    return h.list(PodKind.RESOURCE, "default").size() == 50
                            && rs.getStatus().getReplicas() == 50
                            && rs.getStatus().getObservedGeneration()
                                    == rs.getMetadata().getGeneration();
                });
                // and it stays there: no late creates or deletes
                int createdAtSettle = created.get();
                Poll.holds(
                        Duration.ofSeconds(2),
                        "50 pods, no late create or delete",
                        () -> assertThat(h.list(PodKind.RESOURCE, "default")).hasSize(50));
                Poll.until(Duration.ofSeconds(5), "watch caught up", () -> alive.size() == 50);
                assertThat(created.get()).isEqualTo(createdAtSettle);
                assertThat(maxAlive.get()).as("never more than 100 alive").isLessThanOrEqualTo(100);
                assertThat(h.list(PodKind.RESOURCE, "default")).allSatisfy(p -> {
                    assertThat(p.getMetadata().getName()).startsWith("burst-");
                    assertThat(Pods.controllerRef(p.getMetadata())).get().satisfies(r -> {
                        assertThat(r.getKind()).isEqualTo("ReplicaSet");
                        assertThat(r.getName()).isEqualTo("burst");
                    });
                    // DefaultTolerationSeconds is not re-added when the template has the tolerations
                    assertThat(p.getSpec().getTolerationsList()).hasSize(2);
                });
                // the spam filter (burst 25 per object) keeps this from being 150 events
                Poll.until(
                        Duration.ofSeconds(5),
                        "SuccessfulCreate events",
                        () -> !h.events("SuccessfulCreate").isEmpty());
                assertThat(h.events("SuccessfulCreate").size()).isLessThanOrEqualTo(25);
            } finally {
                watch.close();
            }
        }
    }

    private static Pod pod(
            String name, Map<String, String> labels, String node, String phase, boolean ready, long createdAgo) {
        PodStatus.Builder st = PodStatus.newBuilder().setPhase(phase);
        if (ready) {
            st.addConditions(PodCondition.newBuilder()
                    .setType("Ready")
                    .setStatus("True")
                    .setLastTransitionTime(Times.nowSeconds()));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putAllLabels(labels)
                        .setCreationTimestamp(Times.ts(java.time.Instant.now().minusSeconds(createdAgo))))
                .setSpec(PodSpec.newBuilder().setNodeName(node))
                .setStatus(st)
                .build();
    }

    @Test
    void adoptsOrphansAndDeletesInRankOrder() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            Map<String, String> app = Map.of("app", "rank");
            var pods = h.of(PodKind.RESOURCE);
            h.join(pods.create(pod("ready-old", app, "n1", "Running", true, 100)));
            h.join(pods.create(pod("notready", app, "n1", "Running", false, 50)));
            h.join(pods.create(pod("pending", app, "n2", "Pending", false, 40)));
            h.join(pods.create(pod("unscheduled", app, "", "Pending", false, 30)));
            h.join(pods.create(pod("ready-new", app, "n2", "Running", true, 10)));
            h.join(pods.create(pod("other", Map.of("app", "other"), "", "Pending", false, 10)));
            h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("rank", 5, 300)));
            Poll.until(
                    Duration.ofSeconds(10),
                    "all five orphans adopted",
                    () -> h.list(PodKind.RESOURCE, "default").stream()
                            .filter(p -> p.getMetadata().getLabelsMap().equals(app))
                            .allMatch(p -> Pods.controllerRef(p.getMetadata()).isPresent()));
            assertThat(h.list(PodKind.RESOURCE, "default")).hasSize(6); // nothing created: it adopted instead
            assertThat(Pods.controllerRef(
                            h.getOrNull(PodKind.RESOURCE, "default", "other").getMetadata()))
                    .isEmpty();

            scale(h, "rank", 4);
            Poll.until(
                    Duration.ofSeconds(10),
                    "unscheduled deleted first",
                    () -> h.getOrNull(PodKind.RESOURCE, "default", "unscheduled") == null);
            scale(h, "rank", 3);
            Poll.until(Duration.ofSeconds(10), "pending next", () -> {
                Pod p = h.getOrNull(PodKind.RESOURCE, "default", "pending");
                return p == null || p.getMetadata().hasDeletionTimestamp();
            });
            scale(h, "rank", 2);
            Poll.until(
                    Duration.ofSeconds(10),
                    "not-ready next",
                    () -> h.getOrNull(PodKind.RESOURCE, "default", "notready")
                            .getMetadata()
                            .hasDeletionTimestamp());
            scale(h, "rank", 1);
            Poll.until(
                    Duration.ofSeconds(10),
                    "newer ready pod next",
                    () -> h.getOrNull(PodKind.RESOURCE, "default", "ready-new")
                            .getMetadata()
                            .hasDeletionTimestamp());
            assertThat(h.getOrNull(PodKind.RESOURCE, "default", "ready-old")
                            .getMetadata()
                            .hasDeletionTimestamp())
                    .isFalse();
            Poll.until(
                    Duration.ofSeconds(5),
                    "SuccessfulDelete events",
                    () -> h.events("SuccessfulDelete").size() == 4);
            Poll.until(Duration.ofSeconds(10), "status counts only active pods", () -> {
                ReplicaSet rs = h.getOrNull(ReplicaSetKind.RESOURCE, "default", "rank");
                return rs.getStatus().getReplicas() == 1
                        && rs.getStatus().getReadyReplicas() == 1
                        && rs.getStatus().getAvailableReplicas() == 1;
            });
            // releasing: a pod whose labels stop matching loses its owner reference, and a replacement is made
            ControllerManagerUnderTest.join(pods.guaranteedUpdate(
                    "default",
                    "ready-old",
                    p -> p.toBuilder()
                            .setMetadata(p.getMetadata().toBuilder().putLabels("app", "gone"))
                            .build()));
            Poll.until(Duration.ofSeconds(10), "released and replaced", () -> {
                List<Pod> all = h.list(PodKind.RESOURCE, "default");
                return Pods.controllerRef(h.getOrNull(PodKind.RESOURCE, "default", "ready-old")
                                        .getMetadata())
                                .isEmpty()
                        && all.stream().anyMatch(p -> p.getMetadata().getName().startsWith("rank-"));
            });
        }
    }

    @Test
    void podsMadeAfterATemplateEditCarryTheEditedSpec() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("edit", 2, 300)));
            Poll.until(
                    Duration.ofSeconds(10),
                    "two nginx pods",
                    () -> h.list(PodKind.RESOURCE, "default").size() == 2);
            ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE).guaranteedUpdate("default", "edit", rs -> {
                var spec = rs.getSpec().toBuilder();
                spec.getTemplateBuilder()
                        .getSpecBuilder()
                        .getContainersBuilder(0)
                        .setImage("httpd");
                return rs.toBuilder().setSpec(spec.setReplicas(4)).build();
            }));
            Poll.until(Duration.ofSeconds(10), "two more pods, of the edited template", () -> {
                List<Pod> all = h.list(PodKind.RESOURCE, "default");
                return all.size() == 4
                        && all.stream()
                                        .filter(p -> p.getSpec()
                                                .getContainers(0)
                                                .getImage()
                                                .equals("httpd"))
                                        .count()
                                == 2;
            });
            // the edited template is defaulted as the first one was
            assertThat(h.list(PodKind.RESOURCE, "default")).allSatisfy(p -> {
                assertThat(p.getSpec().getServiceAccountName()).isEqualTo("default");
                assertThat(p.getSpec().getTolerationsList()).hasSize(2);
                assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            });
        }
    }
}
