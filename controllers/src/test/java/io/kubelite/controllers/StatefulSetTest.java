package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ControllerRevision;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateStatefulSetStrategy;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetSpec;
import io.kubelite.api.StatefulSetUpdateStrategy;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Preconditions;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The StatefulSet controller against real etcd, with the garbage collector beside it and
 * {@link FakeKubelets} binding pods and making them Running and Ready — except the pods the test
 * holds back (by name, in {@link #held}), so that each test decides when a pod becomes Ready and
 * can watch what the controller does meanwhile. Each test has its own StatefulSet.
 */
@Timeout(300)
class StatefulSetTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration WAIT = Duration.ofSeconds(60);
    /** How long a test watches for something that must not happen. */
    static final Duration HOLD = Duration.ofSeconds(2);

    static ControllerManagerUnderTest h;
    static FakeKubelets kubelets;
    static final Set<String> held = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        h = new ControllerManagerUnderTest(ETCD, "--controllers=statefulset,garbagecollector");
        kubelets = new FakeKubelets(h, 1000, "n1", "n2");
        kubelets.becomesReady = p -> !held.contains(p.getMetadata().getName());
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

    static StatefulSet statefulSet(String name, int replicas, UnaryOperator<StatefulSetSpec.Builder> more) {
        Map<String, String> labels = Map.of("app", name);
        StatefulSetSpec.Builder spec = StatefulSetSpec.newBuilder()
                .setReplicas(replicas)
                .setServiceName(name + "-svc")
                .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                .setTemplate(PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                        .setSpec(PodSpec.newBuilder()
                                .setTerminationGracePeriodSeconds(0)
                                .addContainers(
                                        Container.newBuilder().setName("app").setImage("img:1"))));
        StatefulSet s = StatefulSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(more.apply(spec))
                .build();
        // what the API server does before it stores a created StatefulSet
        var strategy = StatefulSetKind.KIND.strategy();
        StatefulSet out = strategy.prepareForCreate(strategy.defaults(s));
        assertThat(StatefulSetKind.KIND.validateCreate(out)).isEmpty();
        return out;
    }

    static StatefulSet create(StatefulSet s) {
        return ControllerManagerUnderTest.join(h.of(StatefulSetKind.RESOURCE).create(s));
    }

    /** An update as a client's: the spec changes (the store bumps the generation), defaults re-applied. */
    static StatefulSet update(String name, UnaryOperator<StatefulSetSpec.Builder> fn) {
        return ControllerManagerUnderTest.join(h.of(StatefulSetKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        name,
                        s -> StatefulSetKind.KIND
                                .strategy()
                                .defaults(s.toBuilder()
                                        .setSpec(fn.apply(s.getSpec().toBuilder()))
                                        .build())));
    }

    static UnaryOperator<StatefulSetSpec.Builder> image(String image) {
        return s -> {
            s.getTemplateBuilder().getSpecBuilder().getContainersBuilder(0).setImage(image);
            return s;
        };
    }

    static UnaryOperator<StatefulSetSpec.Builder> partition(int p) {
        return s -> s.setUpdateStrategy(StatefulSetUpdateStrategy.newBuilder()
                .setType("RollingUpdate")
                .setRollingUpdate(RollingUpdateStatefulSetStrategy.newBuilder().setPartition(p)));
    }

    static StatefulSet get(String name) {
        return h.getOrNull(StatefulSetKind.RESOURCE, "default", name);
    }

    /** The set's pods, by ordinal. */
    static List<Pod> pods(String name) {
        return h.list(PodKind.RESOURCE, "default").stream()
                .filter(p -> name.equals(p.getMetadata().getLabelsMap().get("app")))
                .sorted(Comparator.comparingInt(StatefulSetTest::ordinal))
                .toList();
    }

    static int ordinal(Pod p) {
        String n = p.getMetadata().getName();
        return Integer.parseInt(n.substring(n.lastIndexOf('-') + 1));
    }

    static boolean runningAndReady(Pod p) {
        return p.getStatus().getPhase().equals("Running") && Pods.isReady(p);
    }

    /** Pods as {@code name(image,rev,ready|notready|terminating)}: what a failure message shows. */
    static String describe(List<Pod> pods) {
        return pods.stream()
                .map(p -> p.getMetadata().getName() + "("
                        + p.getSpec().getContainers(0).getImage() + ","
                        + p.getMetadata().getLabelsMap().get("controller-revision-hash") + ","
                        + (p.getMetadata().hasDeletionTimestamp()
                                ? "terminating"
                                : runningAndReady(p) ? "ready" : "notready")
                        + ")")
                .collect(Collectors.joining(" "));
    }

    static String describe(StatefulSet s) {
        var st = s.getStatus();
        return "generation " + s.getMetadata().getGeneration() + " observed " + st.getObservedGeneration()
                + ", replicas " + st.getReplicas() + " ready " + st.getReadyReplicas() + " available "
                + st.getAvailableReplicas() + " current " + st.getCurrentReplicas() + " updated "
                + st.getUpdatedReplicas() + ", currentRevision " + st.getCurrentRevision() + " updateRevision "
                + st.getUpdateRevision();
    }

    /** The set's ControllerRevisions as {@code name=revision}, by revision. */
    static String revisions(String set) {
        return h.list(ControllerRevisionKind.RESOURCE, "default").stream()
                .filter(r -> r.getMetadata().getName().startsWith(set + "-"))
                .sorted(Comparator.comparingLong(ControllerRevision::getRevision))
                .map(r -> r.getMetadata().getName() + "=" + r.getRevision())
                .collect(Collectors.joining(" "));
    }

    /** Waits for the set's pods to be exactly {@code names}, all Running and Ready and not terminating. */
    static List<Pod> awaitReady(String set, String... names) {
        return Poll.until(
                WAIT,
                set + ": exactly " + List.of(names) + ", all ready",
                () -> pods(set),
                ps -> ps.stream().map(p -> p.getMetadata().getName()).toList().equals(List.of(names))
                        && ps.stream()
                                .allMatch(p ->
                                        runningAndReady(p) && !p.getMetadata().hasDeletionTimestamp()));
    }

    /** Waits for the status to have caught up: observed, replicas = ready = {@code n}, and {@code more}. */
    static StatefulSet awaitStatus(String name, int n, java.util.function.Predicate<StatefulSet> more) {
        return Poll.until(
                WAIT,
                name + " status: observed, replicas = ready = available = " + n + " (and more)",
                () -> get(name),
                s -> s.getStatus().getObservedGeneration() == s.getMetadata().getGeneration()
                        && s.getStatus().getReplicas() == n
                        && s.getStatus().getReadyReplicas() == n
                        && s.getStatus().getAvailableReplicas() == n
                        && more.test(s));
    }

    /**
     * Every change of the set's pods, in watch order: {@code +name} created, {@code ready name},
     * {@code -name} deleted (marked or removed, whichever the watch shows first). With
     * {@code ordered}, a pod created while the pod one ordinal below it is not Running and Ready
     * is a violation.
     */
    static final class PodLog implements AutoCloseable {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final Informer<Pod> watch;

        PodLog(String set, boolean ordered) {
            watch = new Informer<>(h.of(PodKind.RESOURCE), "default");
            watch.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod p) {
                    if (!mine(p)) {
                        return;
                    }
                    events.add("+" + p.getMetadata().getName());
                    int ord = ordinal(p);
                    if (ordered && ord > 0) {
                        Pod prev = watch.get("default", set + "-" + (ord - 1)).orElse(null);
                        if (prev == null
                                || !runningAndReady(prev)
                                || prev.getMetadata().hasDeletionTimestamp()) {
                            violations.add(p.getMetadata().getName() + " created while " + set + "-" + (ord - 1)
                                    + " was " + (prev == null ? "missing" : describe(List.of(prev))));
                        }
                    }
                }

                @Override
                public void onUpdate(Pod o, Pod n) {
                    if (!mine(n)) {
                        return;
                    }
                    if (!runningAndReady(o) && runningAndReady(n)) {
                        events.add("ready " + n.getMetadata().getName());
                    }
                    if (!o.getMetadata().hasDeletionTimestamp()
                            && n.getMetadata().hasDeletionTimestamp()) {
                        events.add("-" + n.getMetadata().getName());
                    }
                }

                @Override
                public void onDelete(Pod p) {
                    if (mine(p) && !p.getMetadata().hasDeletionTimestamp()) {
                        events.add("-" + p.getMetadata().getName());
                    }
                }

                private boolean mine(Pod p) {
                    return set.equals(p.getMetadata().getLabelsMap().get("app"));
                }
            });
            watch.start();
            Poll.until(WAIT, "pod watch synced", watch::hasSynced);
            // the initial list is not a change
            events.clear();
            violations.clear();
        }

        /** The events of one kind ({@code "+"}, {@code "-"} or {@code "ready "}), pod names in order. */
        List<String> of(String prefix) {
            return events.stream()
                    .filter(e -> e.startsWith(prefix))
                    .map(e -> e.substring(prefix.length()))
                    .toList();
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void orderedReadyCreatesEachPodOnlyAfterThePreviousIsReady() {
        held.add("ord-1");
        try (PodLog log = new PodLog("ord", true)) {
            create(statefulSet("ord", 3, s -> s));
            Poll.until(
                    WAIT,
                    "ord-0 ready and ord-1 created (held back, not ready)",
                    () -> pods("ord"),
                    ps -> describe(ps).matches("ord-0\\(img:1,[^,]+,ready\\) ord-1\\(img:1,[^,]+,notready\\)"));
            // ord-1 is not ready: ord-2 must not appear
            Poll.holds(
                    HOLD,
                    "no ord-2 while ord-1 is not ready",
                    () -> assertThat(pods("ord")).hasSize(2));
            held.remove("ord-1");
            List<Pod> ps = awaitReady("ord", "ord-0", "ord-1", "ord-2");
            assertThat(log.violations).isEmpty();
            // the log follows its own watch, which may be a moment behind the read above
            Poll.until(WAIT, "the pod log holding ord-2's readiness", () -> log.of("ready "), r -> r.size() >= 3);
            assertThat(log.of("+")).containsExactly("ord-0", "ord-1", "ord-2");
            assertThat(log.of("ready ")).containsExactly("ord-0", "ord-1", "ord-2");

            StatefulSet s = awaitStatus("ord", 3, x -> x.getStatus().getCurrentReplicas() == 3);
            String rev = s.getStatus().getUpdateRevision();
            assertThat(rev).startsWith("ord-");
            assertThat(s.getStatus().getCurrentRevision()).isEqualTo(rev);
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
            ControllerRevision cr = h.getOrNull(ControllerRevisionKind.RESOURCE, "default", rev);
            assertThat(cr.getRevision()).isEqualTo(1);
            assertThat(Pods.controllerRef(cr.getMetadata()).orElseThrow().getUid())
                    .isEqualTo(s.getMetadata().getUid());
            assertThat(cr.getData()
                            .getFieldsOrThrow("spec")
                            .getStructValue()
                            .getFieldsOrThrow("template")
                            .getStructValue()
                            .getFieldsOrThrow("$patch")
                            .getStringValue())
                    .isEqualTo("replace");
            for (Pod p : ps) {
                String name = p.getMetadata().getName();
                assertThat(p.getMetadata().getLabelsMap())
                        .containsEntry("app", "ord")
                        .containsEntry("statefulset.kubernetes.io/pod-name", name)
                        .containsEntry("apps.kubernetes.io/pod-index", Integer.toString(ordinal(p)))
                        .containsEntry("controller-revision-hash", rev);
                assertThat(p.getSpec().getHostname()).isEqualTo(name);
                assertThat(p.getSpec().getSubdomain()).isEqualTo("ord-svc");
                assertThat(Pods.controllerRef(p.getMetadata()).orElseThrow().getUid())
                        .isEqualTo(s.getMetadata().getUid());
            }
        }
    }

    @Test
    void scaleDownDeletesFromTheHighestOrdinalOneAtATime() {
        create(statefulSet("down", 4, s -> s));
        awaitReady("down", "down-0", "down-1", "down-2", "down-3");
        try (PodLog log = new PodLog("down", false)) {
            update("down", s -> s.setReplicas(1));
            awaitReady("down", "down-0");
            assertThat(log.of("-")).containsExactly("down-3", "down-2", "down-1");
        }
        awaitStatus("down", 1, s -> true);
    }

    @Test
    void scaleDownHaltsWhileAPodIsUnhealthy() {
        create(statefulSet("halt", 3, s -> s));
        awaitReady("halt", "halt-0", "halt-1", "halt-2");
        // halt-0 stops being ready (its kubelet will not make it ready again)
        held.add("halt-0");
        Pod p0 = pods("halt").get(0);
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        "halt-0",
                        Preconditions.uid(p0.getMetadata().getUid()),
                        p -> p.toBuilder()
                                .setStatus(p.getStatus().toBuilder()
                                        .setPhase("Pending")
                                        .clearConditions())
                                .build()));
        update("halt", s -> s.setReplicas(1));
        Poll.holds(
                HOLD,
                "nothing deleted while halt-0 is not ready",
                () -> assertThat(pods("halt").stream()
                                .filter(p -> !p.getMetadata().hasDeletionTimestamp()))
                        .hasSize(3));
        held.remove("halt-0");
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        "halt-0",
                        Preconditions.uid(p0.getMetadata().getUid()),
                        p -> p.toBuilder()
                                .setStatus(p.getStatus().toBuilder().setPhase("Pending"))
                                .build()));
        awaitReady("halt", "halt-0");
    }

    @Test
    void parallelCreatesAndDeletesAllAtOnce() {
        held.addAll(List.of("par-0", "par-1", "par-2"));
        create(statefulSet("par", 3, s -> s.setPodManagementPolicy("Parallel")));
        Poll.until(
                WAIT,
                "par-0..2 all created though none is ready",
                () -> pods("par"),
                ps -> ps.size() == 3 && ps.stream().noneMatch(StatefulSetTest::runningAndReady));
        held.removeAll(List.of("par-0", "par-1", "par-2"));
        awaitReady("par", "par-0", "par-1", "par-2");
        awaitStatus("par", 3, s -> true);
        // a Parallel scale-down does not wait for one deletion before the next
        held.add("par-0");
        try (PodLog log = new PodLog("par", false)) {
            update("par", s -> s.setReplicas(0));
            Poll.until(WAIT, "par pods all gone", () -> pods("par"), List::isEmpty);
            assertThat(log.of("-")).containsExactlyInAnyOrder("par-0", "par-1", "par-2");
        } finally {
            held.remove("par-0");
        }
    }

    @Test
    void rollingUpdateGoesInReverseOrdinalOrderAndRespectsThePartition() {
        create(statefulSet("roll", 4, partition(2)));
        awaitReady("roll", "roll-0", "roll-1", "roll-2", "roll-3");
        String rev1 = awaitStatus("roll", 4, s -> s.getStatus().getCurrentReplicas() == 4)
                .getStatus()
                .getCurrentRevision();
        try (PodLog log = new PodLog("roll", false)) {
            update("roll", image("img:2"));
            StatefulSet s = awaitStatus("roll", 4, x -> x.getStatus().getUpdatedReplicas() == 2);
            String rev2 = s.getStatus().getUpdateRevision();
            assertThat(rev2).isNotEqualTo(rev1);
            assertThat(s.getStatus().getCurrentRevision()).as(describe(s)).isEqualTo(rev1);
            assertThat(s.getStatus().getCurrentReplicas()).as(describe(s)).isEqualTo(2);
            List<Pod> ps = awaitReady("roll", "roll-0", "roll-1", "roll-2", "roll-3");
            assertThat(describe(ps))
                    .isEqualTo("roll-0(img:1," + rev1 + ",ready) roll-1(img:1," + rev1 + ",ready) roll-2(img:2," + rev2
                            + ",ready) roll-3(img:2," + rev2 + ",ready)");
            assertThat(log.of("-")).containsExactly("roll-3", "roll-2");
            // the partition holds: nothing more happens below it
            Poll.holds(
                    HOLD,
                    "roll-0 and roll-1 keep revision " + rev1,
                    () -> assertThat(pods("roll").subList(0, 2))
                            .allSatisfy(p -> assertThat(p.getMetadata().getLabelsMap())
                                    .containsEntry("controller-revision-hash", rev1)));
            // and a pod below it that is deleted comes back at the current revision, from its ControllerRevision
            Pod r0 = pods("roll").get(0);
            ControllerManagerUnderTest.join(Pods.forceDelete(h.of(PodKind.RESOURCE), r0));
            Poll.until(
                    WAIT,
                    "roll-0 recreated with img:1 at " + rev1,
                    () -> pods("roll"),
                    xs -> xs.size() == 4
                            && !xs.get(0)
                                    .getMetadata()
                                    .getUid()
                                    .equals(r0.getMetadata().getUid())
                            && describe(xs.subList(0, 1)).equals("roll-0(img:1," + rev1 + ",ready)"));
            assertThat(revisions("roll")).isEqualTo(rev1 + "=1 " + rev2 + "=2");
            log.events.clear();

            update("roll", partition(0));
            s = awaitStatus(
                    "roll",
                    4,
                    x -> x.getStatus().getUpdatedReplicas() == 4
                            && x.getStatus().getCurrentRevision().equals(rev2));
            assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(4);
            Poll.until(WAIT, "the pod log holding both deletions", () -> log.of("-"), r -> r.size() >= 2);
            assertThat(log.of("-")).as(log.events + " " + revisions("roll")).containsExactly("roll-1", "roll-0");
            assertThat(log.of("+")).containsExactly("roll-1", "roll-0");

            // back to img:1: its revision is raised past the latest, none is made
            update("roll", image("img:1"));
            s = awaitStatus(
                    "roll",
                    4,
                    x -> x.getStatus().getUpdatedReplicas() == 4
                            && x.getStatus().getCurrentRevision().equals(rev1));
            assertThat(revisions("roll")).isEqualTo(rev2 + "=2 " + rev1 + "=3");
        }
    }

    @Test
    void onDeleteChangesAPodOnlyWhenItIsDeleted() {
        create(statefulSet(
                "ondel",
                2,
                s -> s.setUpdateStrategy(StatefulSetUpdateStrategy.newBuilder().setType("OnDelete"))));
        awaitReady("ondel", "ondel-0", "ondel-1");
        update("ondel", image("img:2"));
        StatefulSet s = Poll.until(
                WAIT,
                "update revision observed",
                () -> get("ondel"),
                x -> x.getStatus().getObservedGeneration() == 2);
        Poll.holds(
                HOLD,
                "no pod replaced under OnDelete",
                () -> assertThat(pods("ondel"))
                        .allSatisfy(p -> assertThat(p.getSpec().getContainers(0).getImage())
                                .isEqualTo("img:1")));
        Pod old = pods("ondel").get(1);
        ControllerManagerUnderTest.join(Pods.forceDelete(h.of(PodKind.RESOURCE), old));
        List<Pod> ps = Poll.until(
                WAIT,
                "ondel-1 recreated at the update revision",
                () -> pods("ondel"),
                x -> x.size() == 2
                        && !x.get(1)
                                .getMetadata()
                                .getUid()
                                .equals(old.getMetadata().getUid())
                        && x.get(1).getSpec().getContainers(0).getImage().equals("img:2"));
        assertThat(ps.get(1).getMetadata().getLabelsMap())
                .containsEntry("controller-revision-hash", s.getStatus().getUpdateRevision());
        assertThat(ps.get(0).getSpec().getContainers(0).getImage()).isEqualTo("img:1");
    }

    @Test
    void aDeletedOrFailedPodIsRecreatedWithItsName() {
        create(statefulSet("keep", 3, s -> s));
        List<Pod> before = awaitReady("keep", "keep-0", "keep-1", "keep-2");
        Pod p1 = before.get(1);
        ControllerManagerUnderTest.join(Pods.forceDelete(h.of(PodKind.RESOURCE), p1));
        List<Pod> after = Poll.until(
                WAIT,
                "keep-1 back with a new uid, ready",
                () -> pods("keep"),
                ps -> ps.size() == 3
                        && !ps.get(1)
                                .getMetadata()
                                .getUid()
                                .equals(p1.getMetadata().getUid())
                        && runningAndReady(ps.get(1)));
        assertThat(after.get(1).getMetadata().getName()).isEqualTo("keep-1");
        assertThat(after.get(1).getSpec().getHostname()).isEqualTo("keep-1");

        Pod p2 = after.get(2);
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        "keep-2",
                        Preconditions.uid(p2.getMetadata().getUid()),
                        p -> p.toBuilder()
                                .setStatus(p.getStatus().toBuilder()
                                        .setPhase("Failed")
                                        .clearConditions())
                                .build()));
        Poll.until(
                WAIT,
                "failed keep-2 replaced by a new keep-2, ready",
                () -> pods("keep"),
                ps -> ps.size() == 3
                        && !ps.get(2)
                                .getMetadata()
                                .getUid()
                                .equals(p2.getMetadata().getUid())
                        && runningAndReady(ps.get(2)));
        awaitStatus("keep", 3, s -> true);
    }

    @Test
    void matchingOrphansNamedForTheSetAreAdoptedAndPodsThatStopMatchingReleased() {
        // orphans made before the set: one with a member's name, one with the labels but another name
        for (String name : List.of("adopt-0", "adopt-stray")) {
            ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                    .create(Pod.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName(name)
                                    .putLabels("app", "adopt"))
                            .setSpec(PodSpec.newBuilder()
                                    .addContainers(Container.newBuilder()
                                            .setName("app")
                                            .setImage("img:1")))
                            .build()));
        }
        String orphanUid = h.getOrNull(PodKind.RESOURCE, "default", "adopt-0")
                .getMetadata()
                .getUid();
        StatefulSet set = create(statefulSet("adopt", 1, s -> s));
        String setUid = set.getMetadata().getUid();
        Poll.until(
                WAIT,
                "adopt-0 adopted by StatefulSet adopt (controller uid " + setUid + "), same pod (uid " + orphanUid
                        + "); controller uid by pod",
                () -> controllersByPod("adopt"),
                m -> setUid.equals(m.get("adopt-0 " + orphanUid)));
        assertThat(controllersByPod("adopt"))
                .as("adopt-stray is not named <set>-<ordinal>: never adopted")
                .containsEntry("adopt-stray " + uidOf("adopt-stray"), "");

        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        "adopt-0",
                        p -> p.toBuilder()
                                .setMetadata(p.getMetadata().toBuilder().putLabels("app", "elsewhere"))
                                .build()));
        Poll.until(
                WAIT,
                "adopt-0 released once its labels stop matching (controller uid of adopt-0)",
                () -> Pods.controllerRef(h.getOrNull(PodKind.RESOURCE, "default", "adopt-0")
                                .getMetadata())
                        .map(r -> r.getUid())
                        .orElse(""),
                String::isEmpty);
        for (String name : List.of("adopt-0", "adopt-stray")) {
            ControllerManagerUnderTest.join(
                    Pods.forceDelete(h.of(PodKind.RESOURCE), h.getOrNull(PodKind.RESOURCE, "default", name)));
        }
    }

    /** "name uid" of every pod named {@code <app>-...}, to its controller's uid ("" for none). */
    static Map<String, String> controllersByPod(String app) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Pod p : h.list(PodKind.RESOURCE, "default")) {
            if (p.getMetadata().getName().startsWith(app + "-")) {
                out.put(
                        p.getMetadata().getName() + " " + p.getMetadata().getUid(),
                        Pods.controllerRef(p.getMetadata()).map(r -> r.getUid()).orElse(""));
            }
        }
        return out;
    }

    static String uidOf(String pod) {
        return h.getOrNull(PodKind.RESOURCE, "default", pod).getMetadata().getUid();
    }

    @Test
    void historyBeyondRevisionHistoryLimitIsDeleted() {
        create(statefulSet("hist", 1, s -> s.setRevisionHistoryLimit(1)));
        awaitStatus("hist", 1, x -> x.getStatus().getCurrentReplicas() == 1);
        for (String img : List.of("img:2", "img:3")) {
            update("hist", image(img));
            awaitStatus(
                    "hist",
                    1,
                    x -> x.getStatus().getUpdatedReplicas() == 1
                            && x.getStatus()
                                    .getCurrentRevision()
                                    .equals(x.getStatus().getUpdateRevision())
                            && pods("hist")
                                    .get(0)
                                    .getSpec()
                                    .getContainers(0)
                                    .getImage()
                                    .equals(img));
        }
        String live = get("hist").getStatus().getUpdateRevision();
        Poll.until(
                WAIT,
                "img:1's revision deleted: the live one (3) and one of history (2) remain",
                () -> revisions("hist"),
                r -> r.matches("hist-[a-z0-9]+=2 " + live + "=3"));
    }

    @Test
    void ordinalsStartNumbersThePods() {
        create(statefulSet(
                "start",
                2,
                s -> s.setOrdinals(
                        io.kubelite.api.StatefulSetOrdinals.newBuilder().setStart(5))));
        awaitReady("start", "start-5", "start-6");
        assertThat(pods("start").get(0).getMetadata().getLabelsMap())
                .containsEntry("apps.kubernetes.io/pod-index", "5");
    }

    // ------------------------------------------------------------------ volumeClaimTemplates

    static UnaryOperator<StatefulSetSpec.Builder> claimTemplate(String name, String whenDeleted, String whenScaled) {
        return s -> {
            s.addVolumeClaimTemplates(io.kubelite.api.PersistentVolumeClaim.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder().setName(name).putLabels("tier", "db"))
                    .setSpec(io.kubelite.api.PersistentVolumeClaimSpec.newBuilder()
                            .addAccessModes("ReadWriteOnce")
                            .setResources(io.kubelite.api.VolumeResourceRequirements.newBuilder()
                                    .putRequests("storage", "1Gi"))));
            s.setPersistentVolumeClaimRetentionPolicy(
                    io.kubelite.api.StatefulSetPersistentVolumeClaimRetentionPolicy.newBuilder()
                            .setWhenDeleted(whenDeleted)
                            .setWhenScaled(whenScaled));
            return s;
        };
    }

    /** The claims whose names end in {@code -<set>-<n>}, as {@code name[owner kinds]}, sorted. */
    static List<String> claims(String set) {
        return h
                .list(io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind.RESOURCE, "default")
                .stream()
                .filter(c -> c.getMetadata().getName().matches(".*-" + set + "-[0-9]+"))
                .map(c -> c.getMetadata().getName()
                        + c.getMetadata().getOwnerReferencesList().stream()
                                .map(r -> r.getKind())
                                .sorted()
                                .toList())
                .sorted()
                .toList();
    }

    @Test
    void volumeClaimTemplatesMakeOneClaimPerPodThatOutlivesItsPod() {
        create(statefulSet("db", 2, claimTemplate("data", "Retain", "Retain")));
        List<Pod> ready = awaitReady("db", "db-0", "db-1");
        assertThat(ready.get(1).getSpec().getVolumesList())
                .filteredOn(v -> v.getName().equals("data"))
                .singleElement()
                .satisfies(v ->
                        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-db-1"));
        assertThat(claims("db")).containsExactly("data-db-0[]", "data-db-1[]");
        var claim = h.getOrNull(
                io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind.RESOURCE,
                "default",
                "data-db-0");
        assertThat(claim.getMetadata().getLabelsMap())
                .containsEntry("tier", "db")
                .containsEntry("app", "db");
        assertThat(claim.getSpec().getResources().getRequestsMap()).containsEntry("storage", "1Gi");

        // a replaced pod gets the same claim; scaling down keeps the claim (Retain)
        String uid0 = ready.get(0).getMetadata().getUid();
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE).delete("default", "db-0"));
        Poll.until(
                WAIT,
                "db-0 replaced",
                () -> pods("db"),
                ps -> ps.size() == 2 && !ps.get(0).getMetadata().getUid().equals(uid0) && runningAndReady(ps.get(0)));
        update("db", s -> s.setReplicas(1));
        awaitReady("db", "db-0");
        assertThat(claims("db")).containsExactly("data-db-0[]", "data-db-1[]");
    }

    @Test
    void retentionPolicyDeleteHandsClaimsToTheSetAndToCondemnedPods() {
        create(statefulSet("cache", 2, claimTemplate("scratch", "Delete", "Delete")));
        awaitReady("cache", "cache-0", "cache-1");
        Poll.until(
                WAIT,
                "claims owned by the set",
                () -> claims("cache"),
                c -> c.equals(List.of("scratch-cache-0[StatefulSet]", "scratch-cache-1[StatefulSet]")));
        update("cache", s -> s.setReplicas(1));
        awaitReady("cache", "cache-0");
        Poll.until(
                WAIT,
                "the condemned pod's claim deleted with it (whenScaled Delete)",
                () -> claims("cache"),
                c -> c.equals(List.of("scratch-cache-0[StatefulSet]")));
        ControllerManagerUnderTest.join(h.of(StatefulSetKind.RESOURCE).delete("default", "cache"));
        Poll.until(WAIT, "the claims deleted with the set (whenDeleted Delete)", () -> claims("cache"), List::isEmpty);
    }
}
