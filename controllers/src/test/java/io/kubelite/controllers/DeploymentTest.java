package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentCondition;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.DeploymentStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.api.RollingUpdateDeployment;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Deployment controller against real etcd, with the ReplicaSet controller and the garbage
 * collector running beside it and {@link FakeKubelets} binding pods and making them Ready (pods of
 * images starting with {@code bad} never become Ready). Each test has its own Deployment.
 */
@Timeout(300)
class DeploymentTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration WAIT = Duration.ofSeconds(60);
    static ControllerManagerUnderTest h;
    static FakeKubelets kubelets;

    @BeforeAll
    static void start() throws Exception {
        h = new ControllerManagerUnderTest(ETCD, "--controllers=replicaset,deployment,garbagecollector");
        kubelets = new FakeKubelets(h, 1000, "n1", "n2");
        kubelets.becomesReady = p -> !p.getSpec().getContainers(0).getImage().startsWith("bad");
    }

    @AfterAll
    static void stop() {
        if (kubelets != null) {
            kubelets.close();
        }
        if (h != null) {
            h.close();
        }
    }

    // ------------------------------------------------------------------ fixtures

    static Deployment deployment(String name, int replicas, String image, UnaryOperator<DeploymentSpec.Builder> more) {
        Map<String, String> labels = Map.of("app", name);
        DeploymentSpec.Builder spec = DeploymentSpec.newBuilder()
                .setReplicas(replicas)
                .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                .setTemplate(PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                        .setSpec(PodSpec.newBuilder()
                                .setTerminationGracePeriodSeconds(0)
                                .addContainers(
                                        Container.newBuilder().setName("app").setImage(image))));
        Deployment d = Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(more.apply(spec))
                .build();
        // what the API server does before it stores a created Deployment
        var strategy = DeploymentKind.KIND.strategy();
        Deployment out = strategy.prepareForCreate(strategy.defaults(d));
        assertThat(DeploymentKind.KIND.validateCreate(out)).isEmpty();
        return out;
    }

    static DeploymentSpec.Builder rolling(DeploymentSpec.Builder s, int surge, int unavailable) {
        return s.setStrategy(DeploymentStrategy.newBuilder()
                .setType("RollingUpdate")
                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                        .setMaxSurge(IntOrString.of(surge))
                        .setMaxUnavailable(IntOrString.of(unavailable))));
    }

    static Deployment create(Deployment d) {
        return ControllerManagerUnderTest.join(h.of(DeploymentKind.RESOURCE).create(d));
    }

    /** An update as a client's: the spec changes (the store bumps the generation), defaults re-applied. */
    static Deployment update(String name, UnaryOperator<Deployment> fn) {
        return ControllerManagerUnderTest.join(h.of(DeploymentKind.RESOURCE)
                .guaranteedUpdate(
                        "default", name, d -> DeploymentKind.KIND.strategy().defaults(fn.apply(d))));
    }

    static Deployment setImage(String name, String image) {
        return update(name, d -> {
            Deployment.Builder b = d.toBuilder();
            b.getSpecBuilder()
                    .getTemplateBuilder()
                    .getSpecBuilder()
                    .getContainersBuilder(0)
                    .setImage(image);
            return b.build();
        });
    }

    static Deployment get(String name) {
        return h.getOrNull(DeploymentKind.RESOURCE, "default", name);
    }

    /** The ReplicaSets the Deployment controls, by revision (creation times are whole seconds: they tie). */
    static List<ReplicaSet> replicaSets(String name) {
        Deployment d = get(name);
        return h.list(ReplicaSetKind.RESOURCE, "default").stream()
                .filter(rs -> Pods.controllerRef(rs.getMetadata())
                        .map(r -> r.getUid().equals(d.getMetadata().getUid()))
                        .orElse(false))
                .sorted(Comparator.comparingLong((ReplicaSet rs) -> Long.parseLong(rs.getMetadata()
                                .getAnnotationsMap()
                                .getOrDefault("deployment.kubernetes.io/revision", "0")))
                        .thenComparing(rs -> rs.getMetadata().getName()))
                .toList();
    }

    static String sizes(List<ReplicaSet> rss) {
        return rss.stream()
                .map(rs -> rs.getMetadata().getName() + "=" + rs.getSpec().getReplicas() + " (rev "
                        + rs.getMetadata().getAnnotationsMap().get("deployment.kubernetes.io/revision") + ", image "
                        + rs.getSpec().getTemplate().getSpec().getContainers(0).getImage() + ")")
                .collect(Collectors.joining(", "));
    }

    static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
    }

    static String describe(Deployment d) {
        var st = d.getStatus();
        return "generation " + d.getMetadata().getGeneration() + " observed " + st.getObservedGeneration()
                + ", replicas " + st.getReplicas() + " updated " + st.getUpdatedReplicas() + " ready "
                + st.getReadyReplicas() + " available " + st.getAvailableReplicas() + " unavailable "
                + st.getUnavailableReplicas() + ", conditions "
                + st.getConditionsList().stream()
                        .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                        .toList();
    }

    /** What {@code kubectl rollout status} waits for: every replica updated and available, nothing old left. */
    static Deployment awaitRolledOut(String name) {
        return Poll.until(
                WAIT,
                name + " rolled out (observed, updated = replicas = available = spec.replicas)",
                () -> get(name),
                d -> {
                    int want = d.getSpec().getReplicas();
                    var st = d.getStatus();
                    return st.getObservedGeneration() >= d.getMetadata().getGeneration()
                            && st.getUpdatedReplicas() == want
                            && st.getReplicas() == want
                            && st.getAvailableReplicas() == want;
                });
    }

    static String image(ReplicaSet rs) {
        return rs.getSpec().getTemplate().getSpec().getContainers(0).getImage();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void rollingUpdateStaysWithinSurgeAndUnavailabilityAtEveryStep() {
        create(deployment("roll", 4, "img:1", s -> rolling(s, 1, 1)));
        Deployment first = awaitRolledOut("roll");
        List<ReplicaSet> initial = replicaSets("roll");
        assertThat(initial).hasSize(1);
        ReplicaSet rs1 = initial.get(0);
        String hash = rs1.getSpec().getTemplate().getMetadata().getLabelsMap().get("pod-template-hash");
        assertThat(hash).isNotEmpty().matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(rs1.getMetadata().getName()).isEqualTo("roll-" + hash);
        assertThat(rs1.getSpec().getSelector().getMatchLabelsMap())
                .containsEntry("app", "roll")
                .containsEntry("pod-template-hash", hash);
        assertThat(rs1.getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision", "1")
                .containsEntry("deployment.kubernetes.io/desired-replicas", "4")
                .containsEntry("deployment.kubernetes.io/max-replicas", "5");
        assertThat(first.getMetadata().getAnnotationsMap()).containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(condition(first, "Available").getReason()).isEqualTo("MinimumReplicasAvailable");
        Poll.until(
                WAIT,
                "Progressing=True NewReplicaSetAvailable",
                () -> get("roll"),
                d -> condition(d, "Progressing") != null
                        && condition(d, "Progressing").getReason().equals("NewReplicaSetAvailable")
                        && condition(d, "Progressing")
                                .getMessage()
                                .equals("ReplicaSet \"" + rs1.getMetadata().getName()
                                        + "\" has successfully progressed."));
        assertThat(h.list(PodKind.RESOURCE, "default").stream()
                        .filter(p ->
                                "roll".equals(p.getMetadata().getLabelsMap().get("app"))))
                .hasSize(4)
                .allSatisfy(p -> assertThat(p.getMetadata().getLabelsMap()).containsEntry("pod-template-hash", hash));

        // watch every ReplicaSet and pod change of the rollout: at no step more than 4 + 1 replicas
        // are asked for, nor fewer than 4 - 1 pods available
        List<String> violations = new CopyOnWriteArrayList<>();
        List<String> steps = new CopyOnWriteArrayList<>();
        Informer<ReplicaSet> rsWatch = new Informer<>(h.of(ReplicaSetKind.RESOURCE), "default");
        Informer<Pod> podWatch = new Informer<>(h.of(PodKind.RESOURCE), "default");
        rsWatch.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(ReplicaSet o, ReplicaSet n) {
                check();
            }

            @Override
            public void onAdd(ReplicaSet rs) {
                check();
            }

            private void check() {
                List<ReplicaSet> mine = rsWatch.list().stream()
                        .filter(rs -> rs.getMetadata().getName().startsWith("roll-"))
                        .toList();
                int sum =
                        mine.stream().mapToInt(rs -> rs.getSpec().getReplicas()).sum();
                String step = mine.stream()
                        .map(rs -> image(rs) + "=" + rs.getSpec().getReplicas())
                        .sorted()
                        .collect(Collectors.joining(" "));
                if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(step)) {
                    steps.add(step);
                }
                if (sum > 5) {
                    violations.add("ReplicaSets ask for " + sum + " > 5 replicas: " + step);
                }
            }
        });
        podWatch.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(Pod o, Pod n) {
                check();
            }

            @Override
            public void onDelete(Pod p) {
                check();
            }

            private void check() {
                long available = podWatch.list().stream()
                        .filter(p ->
                                "roll".equals(p.getMetadata().getLabelsMap().get("app")))
                        .filter(p -> Pods.isActive(p) && Pods.isReady(p))
                        .count();
                if (available < 3) {
                    violations.add("only " + available + " < 3 pods available");
                }
            }
        });
        rsWatch.start();
        podWatch.start();
        try {
            Poll.until(WAIT, "watches synced", () -> rsWatch.hasSynced() && podWatch.hasSynced());
            setImage("roll", "img:2");
            awaitRolledOut("roll");
            Poll.until(
                    WAIT,
                    "the old ReplicaSet at 0 and the new one at 4",
                    () -> replicaSets("roll"),
                    rss -> rss.size() == 2
                            && rss.get(0).getSpec().getReplicas() == 0
                            && rss.get(1).getSpec().getReplicas() == 4);
        } finally {
            rsWatch.close();
            podWatch.close();
        }
        assertThat(violations)
                .as("bounds broken during the rollout; steps: %s", steps)
                .isEmpty();
        // the rollout went through intermediate steps (surge first, as maxSurge allows)
        assertThat(steps).as("steps").anyMatch(s -> s.contains("img:1=") && s.contains("img:2=1"));
        List<ReplicaSet> rss = replicaSets("roll");
        assertThat(rss.get(0).getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(rss.get(1).getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(get("roll").getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision", "2");
        Poll.until(
                WAIT,
                "ScalingReplicaSet events",
                () -> h.events("ScalingReplicaSet").stream()
                        .filter(e -> e.getInvolvedObject().getName().equals("roll"))
                        .map(e -> e.getMessage())
                        .toList(),
                msgs -> msgs.contains("Scaled up replica set "
                                + rss.get(1).getMetadata().getName() + " to 1")
                        && msgs.stream()
                                .anyMatch(m -> m.startsWith("Scaled down replica set "
                                        + rss.get(0).getMetadata().getName() + " to ")));
    }

    @Test
    void recreateStopsEveryOldPodBeforeStartingNewOnes() {
        create(deployment(
                "recreate",
                3,
                "img:1",
                s -> s.setStrategy(DeploymentStrategy.newBuilder().setType("Recreate"))));
        awaitRolledOut("recreate");
        List<String> violations = new CopyOnWriteArrayList<>();
        Informer<Pod> podWatch = new Informer<>(h.of(PodKind.RESOURCE), "default");
        podWatch.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                Set<String> images = new TreeSet<>();
                for (Pod x : podWatch.list()) {
                    if ("recreate".equals(x.getMetadata().getLabelsMap().get("app"))) {
                        images.add(x.getSpec().getContainers(0).getImage());
                    }
                }
                if (images.size() > 1) {
                    violations.add("pods of " + images + " exist together");
                }
            }
        });
        podWatch.start();
        try {
            Poll.until(WAIT, "watch synced", podWatch::hasSynced);
            setImage("recreate", "img:2");
            awaitRolledOut("recreate");
        } finally {
            podWatch.close();
        }
        assertThat(violations).isEmpty();
        assertThat(replicaSets("recreate"))
                .extracting(rs -> rs.getSpec().getReplicas())
                .containsExactly(0, 3);
    }

    @Test
    void rollbackToAnOldRevisionScalesItsReplicaSetBackUp() {
        create(deployment("undo", 2, "img:1", s -> rolling(s, 1, 0)));
        awaitRolledOut("undo");
        setImage("undo", "img:2");
        awaitRolledOut("undo");
        List<ReplicaSet> before = replicaSets("undo");
        assertThat(before).extracting(DeploymentTest::image).containsExactly("img:1", "img:2");
        ReplicaSet rev1 = before.get(0);
        // what kubectl rollout undo writes: the old template, without its pod-template-hash label
        update("undo", d -> {
            PodTemplateSpec.Builder t = rev1.getSpec().getTemplate().toBuilder();
            t.getMetadataBuilder().removeLabels("pod-template-hash");
            return d.toBuilder().setSpec(d.getSpec().toBuilder().setTemplate(t)).build();
        });
        awaitRolledOut("undo");
        List<ReplicaSet> after = Poll.until(
                WAIT,
                "the revision-1 ReplicaSet back at 2 as revision 3, no third ReplicaSet",
                () -> replicaSets("undo"),
                rss -> rss.size() == 2
                        && rss.get(0).getSpec().getReplicas() == 0
                        && rss.get(1).getSpec().getReplicas() == 2
                        && "3"
                                .equals(rss.get(1)
                                        .getMetadata()
                                        .getAnnotationsMap()
                                        .get("deployment.kubernetes.io/revision")));
        assertThat(after.get(1).getMetadata().getUid())
                .isEqualTo(rev1.getMetadata().getUid());
        assertThat(after.get(1).getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision-history", "1");
        assertThat(image(after.get(1))).isEqualTo("img:1");
        assertThat(image(after.get(0))).isEqualTo("img:2");
        assertThat(get("undo").getMetadata().getAnnotationsMap())
                .containsEntry("deployment.kubernetes.io/revision", "3");
    }

    @Test
    void pausedDeploymentsDoNotRollOutUntilResumed() {
        create(deployment("pause", 2, "img:1", s -> s));
        awaitRolledOut("pause");
        update(
                "pause",
                d -> d.toBuilder()
                        .setSpec(d.getSpec().toBuilder().setPaused(true))
                        .build());
        Poll.until(
                WAIT,
                "Progressing=Unknown DeploymentPaused",
                () -> get("pause"),
                d -> condition(d, "Progressing") != null
                        && condition(d, "Progressing").getStatus().equals("Unknown")
                        && condition(d, "Progressing").getReason().equals("DeploymentPaused")
                        && condition(d, "Progressing").getMessage().equals("Deployment is paused"));
        setImage("pause", "img:2");
        Poll.holds(
                Duration.ofSeconds(2),
                "no new ReplicaSet while paused",
                () -> assertThat(replicaSets("pause")).hasSize(1));
        // scaling still works while paused
        update(
                "pause",
                d -> d.toBuilder()
                        .setSpec(d.getSpec().toBuilder().setReplicas(3))
                        .build());
        Poll.until(
                WAIT,
                "the paused Deployment's ReplicaSet scaled to 3",
                () -> replicaSets("pause"),
                rss -> rss.size() == 1 && rss.get(0).getSpec().getReplicas() == 3);
        update(
                "pause",
                d -> d.toBuilder()
                        .setSpec(d.getSpec().toBuilder().setPaused(false))
                        .build());
        Deployment done = awaitRolledOut("pause");
        assertThat(replicaSets("pause")).extracting(DeploymentTest::image).containsExactly("img:1", "img:2");
        Poll.until(
                WAIT,
                "Progressing=True NewReplicaSetAvailable after the resume",
                () -> get("pause"),
                d -> condition(d, "Progressing").getReason().equals("NewReplicaSetAvailable"));
        assertThat(done.getStatus().getReplicas()).isEqualTo(3);
    }

    @Test
    void scalingInTheMiddleOfARolloutIsProportional() {
        // kube's documented example: 10 replicas, maxSurge 3, maxUnavailable 2, a new image that never
        // becomes ready stops the rollout at 8 old + 5 new; scaling to 15 adds 3 old and 2 new
        create(deployment("prop", 10, "img:1", s -> rolling(s, 3, 2)));
        awaitRolledOut("prop");
        setImage("prop", "bad:1");
        Poll.until(
                WAIT,
                "the rollout stuck at 8 old + 5 new",
                () -> replicaSets("prop"),
                rss -> rss.size() == 2
                        && rss.get(0).getSpec().getReplicas() == 8
                        && rss.get(1).getSpec().getReplicas() == 5);
        Poll.holds(
                Duration.ofSeconds(1),
                "stuck",
                () -> assertThat(replicaSets("prop"))
                        .extracting(rs -> rs.getSpec().getReplicas())
                        .containsExactly(8, 5));
        update(
                "prop",
                d -> d.toBuilder()
                        .setSpec(d.getSpec().toBuilder().setReplicas(15))
                        .build());
        List<ReplicaSet> rss = Poll.until(
                WAIT,
                "11 old + 7 new after scaling to 15",
                () -> replicaSets("prop"),
                x -> x.get(0).getSpec().getReplicas() == 11
                        && x.get(1).getSpec().getReplicas() == 7);
        assertThat(rss)
                .allSatisfy(rs -> assertThat(rs.getMetadata().getAnnotationsMap())
                        .containsEntry("deployment.kubernetes.io/desired-replicas", "15")
                        .containsEntry("deployment.kubernetes.io/max-replicas", "18"));
        Poll.holds(
                Duration.ofSeconds(1),
                "stays proportional",
                () -> assertThat(replicaSets("prop"))
                        .extracting(rs -> rs.getSpec().getReplicas())
                        .containsExactly(11, 7));
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeleted() {
        create(deployment("history", 1, "img:1", s -> s.setRevisionHistoryLimit(1)));
        awaitRolledOut("history");
        for (String image : List.of("img:2", "img:3", "img:4")) {
            setImage("history", image);
            awaitRolledOut("history");
        }
        List<ReplicaSet> rss = Poll.until(
                WAIT, "the current ReplicaSet and one old one", () -> replicaSets("history"), x -> x.size() == 2);
        assertThat(rss).extracting(DeploymentTest::image).containsExactly("img:3", "img:4");
        assertThat(rss)
                .extracting(rs -> rs.getMetadata().getAnnotationsMap().get("deployment.kubernetes.io/revision"))
                .containsExactly("3", "4");
    }

    @Test
    void aRolloutWithoutProgressExceedsItsDeadline() {
        create(deployment("stuck", 1, "bad:1", s -> s.setProgressDeadlineSeconds(2)));
        Deployment d = Poll.until(
                WAIT,
                "Progressing=False ProgressDeadlineExceeded",
                () -> get("stuck"),
                x -> condition(x, "Progressing") != null
                        && condition(x, "Progressing").getReason().equals("ProgressDeadlineExceeded"));
        String rs = replicaSets("stuck").get(0).getMetadata().getName();
        DeploymentCondition p = condition(d, "Progressing");
        assertThat(p.getStatus()).as(describe(d)).isEqualTo("False");
        assertThat(p.getMessage()).isEqualTo("ReplicaSet \"" + rs + "\" has timed out progressing.");
        DeploymentCondition a = condition(d, "Available");
        assertThat(a.getStatus()).isEqualTo("False");
        assertThat(a.getReason()).isEqualTo("MinimumReplicasUnavailable");
        assertThat(a.getMessage()).isEqualTo("Deployment does not have minimum availability.");
        assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(1);
    }

    @Test
    void availabilityWaitsForMinReadySeconds() {
        create(deployment("minready", 1, "img:1", s -> s.setMinReadySeconds(2)));
        Deployment readyNotAvailable = Poll.until(
                WAIT,
                "ready but not yet available",
                () -> get("minready"),
                d -> d.getStatus().getReadyReplicas() == 1);
        assertThat(readyNotAvailable.getStatus().getAvailableReplicas())
                .as(describe(readyNotAvailable))
                .isZero();
        Deployment d = awaitRolledOut("minready");
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
        assertThat(replicaSets("minready").get(0).getSpec().getMinReadySeconds())
                .isEqualTo(2);
    }

    @Test
    void anOrphanedReplicaSetWithTheTemplateIsAdoptedNotDuplicated() {
        Deployment d = deployment("adopt", 2, "img:1", s -> s);
        PodTemplateSpec.Builder t = d.getSpec().getTemplate().toBuilder();
        t.getMetadataBuilder().putLabels("pod-template-hash", "orphan");
        ReplicaSet orphan = ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName("adopt-orphan")
                        .putAllLabels(t.getMetadata().getLabelsMap()))
                .setSpec(ReplicaSetSpec.newBuilder()
                        .setReplicas(1)
                        .setSelector(LabelSelector.newBuilder()
                                .putMatchLabels("app", "adopt")
                                .putMatchLabels("pod-template-hash", "orphan"))
                        .setTemplate(t))
                .build();
        h.join(h.of(ReplicaSetKind.RESOURCE).create(orphan));
        // kube's race, not the behaviour under test: a Deployment seen before its orphan gets a new ReplicaSet
        Poll.until(
                WAIT,
                "the controllers' ReplicaSet informer holding adopt-orphan",
                () -> h.manager().cached(ReplicaSetKind.RESOURCE, "default", "adopt-orphan"),
                java.util.Optional::isPresent);
        Deployment created = create(d);
        awaitRolledOut("adopt");
        List<ReplicaSet> rss = replicaSets("adopt");
        assertThat(rss).extracting(rs -> rs.getMetadata().getName()).containsExactly("adopt-orphan");
        OwnerReference ref = Pods.controllerRef(rss.get(0).getMetadata()).orElseThrow();
        assertThat(ref.getKind()).isEqualTo("Deployment");
        assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(ref.getBlockOwnerDeletion()).isTrue();
        assertThat(rss.get(0).getSpec().getReplicas()).isEqualTo(2);
        assertThat(condition(get("adopt"), "Progressing")).isNotNull();
        // deleting the Deployment takes its ReplicaSet with it (the garbage collector)
        h.join(h.of(DeploymentKind.RESOURCE).delete("default", "adopt"));
        Poll.until(
                WAIT,
                "the adopted ReplicaSet collected",
                () -> h.getOrNull(ReplicaSetKind.RESOURCE, "default", "adopt-orphan"),
                x -> x == null);
    }
}
