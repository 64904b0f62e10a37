package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ControllerRevision;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetSpec;
import io.kubelite.api.DaemonSetStatus;
import io.kubelite.api.DaemonSetUpdateStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateDaemonSet;
import io.kubelite.api.Taint;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.RevisionData;
import io.kubelite.controllers.util.RevisionHistory;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.core.node.NodeKind;
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
import java.util.TreeMap;
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
 * The DaemonSet controller against real etcd, with the garbage collector beside it and
 * {@link FakeKubelets} binding each daemon pod to the node its {@code matchFields metadata.name}
 * affinity names and making it Running and Ready. Each test selects its own nodes by a label of its
 * own ({@code nodeSelector: {<test>: "yes"}}), so node changes of one test leave the others' alone.
 */
@Timeout(300)
class DaemonSetTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> NODES = List.of("n1", "n2", "n3", "n4");
    static ControllerManagerUnderTest h;
    static FakeKubelets kubelets;

    @BeforeAll
    static void start() throws Exception {
        h = new ControllerManagerUnderTest(ETCD, "--controllers=daemonset,garbagecollector");
        kubelets = new FakeKubelets(h, 1000, NODES.toArray(String[]::new));
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

    static DaemonSet daemonSet(String name, String image, UnaryOperator<DaemonSetSpec.Builder> more) {
        Map<String, String> labels = Map.of("app", name);
        DaemonSetSpec.Builder spec = DaemonSetSpec.newBuilder()
                .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                .setTemplate(PodTemplateSpec.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                        .setSpec(PodSpec.newBuilder()
                                .putNodeSelector(name, "yes")
                                .setTerminationGracePeriodSeconds(0)
                                .addContainers(
                                        Container.newBuilder().setName("app").setImage(image))));
        DaemonSet d = DaemonSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(more.apply(spec))
                .build();
        // what the API server does before it stores a created DaemonSet
        var strategy = DaemonSetKind.KIND.strategy();
        DaemonSet out = strategy.prepareForCreate(strategy.defaults(d));
        assertThat(DaemonSetKind.KIND.validateCreate(out)).isEmpty();
        return ControllerManagerUnderTest.join(h.of(DaemonSetKind.RESOURCE).create(out));
    }

    /** An update as the API server makes it: defaults, then the strategy's update preparation (template generation). */
    static DaemonSet update(String name, UnaryOperator<DaemonSet> fn) {
        var strategy = DaemonSetKind.KIND.strategy();
        return ControllerManagerUnderTest.join(h.of(DaemonSetKind.RESOURCE)
                .guaranteedUpdate("default", name, d -> strategy.prepareForUpdate(strategy.defaults(fn.apply(d)), d)));
    }

    static DaemonSet setImage(String name, String image) {
        return update(name, d -> {
            DaemonSet.Builder b = d.toBuilder();
            b.getSpecBuilder()
                    .getTemplateBuilder()
                    .getSpecBuilder()
                    .getContainersBuilder(0)
                    .setImage(image);
            return b.build();
        });
    }

    static DaemonSetSpec.Builder strategy(DaemonSetSpec.Builder s, int surge, int unavailable) {
        return s.setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder()
                .setType("RollingUpdate")
                .setRollingUpdate(RollingUpdateDaemonSet.newBuilder()
                        .setMaxSurge(IntOrString.of(surge))
                        .setMaxUnavailable(IntOrString.of(unavailable))));
    }

    static DaemonSet get(String name) {
        return h.getOrNull(DaemonSetKind.RESOURCE, "default", name);
    }

    static void node(String node, UnaryOperator<Node> fn) {
        ControllerManagerUnderTest.join(h.of(NodeKind.RESOURCE).guaranteedUpdate(null, node, fn));
    }

    static void label(String key, String... nodes) {
        for (String n : nodes) {
            node(
                    n,
                    x -> x.toBuilder()
                            .setMetadata(x.getMetadata().toBuilder().putLabels(key, "yes"))
                            .build());
        }
    }

    static void unlabel(String key, String... nodes) {
        for (String n : nodes) {
            node(
                    n,
                    x -> x.toBuilder()
                            .setMetadata(x.getMetadata().toBuilder().removeLabels(key))
                            .build());
        }
    }

    static void taints(String n, Taint... taints) {
        node(
                n,
                x -> x.toBuilder()
                        .setSpec(x.getSpec().toBuilder().clearTaints().addAllTaints(List.of(taints)))
                        .build());
    }

    static Taint taint(String key, String effect) {
        return Taint.newBuilder().setKey(key).setEffect(effect).build();
    }

    /** The DaemonSet's live (not terminating) pods. */
    static List<Pod> pods(String name) {
        return h.list(PodKind.RESOURCE, "default").stream()
                .filter(p -> name.equals(p.getMetadata().getLabelsMap().get("app")))
                .filter(p -> !Pods.isTerminating(p))
                .toList();
    }

    /** Node → image of the DaemonSet's live Ready pods, e.g. {@code {n1=img:1, n2=img:1}}. */
    static Map<String, String> readyByNode(String name) {
        Map<String, String> out = new TreeMap<>();
        for (Pod p : pods(name)) {
            if (Pods.isReady(p)) {
                out.merge(
                        p.getSpec().getNodeName(), p.getSpec().getContainers(0).getImage(), (a, b) -> a + "+" + b);
            }
        }
        return out;
    }

    static Map<String, String> expect(String image, String... nodes) {
        Map<String, String> out = new TreeMap<>();
        for (String n : nodes) {
            out.put(n, image);
        }
        return out;
    }

    static void awaitPods(String name, Map<String, String> want) {
        Poll.until(WAIT, name + ": ready pods by node " + want, () -> readyByNode(name), want::equals);
    }

    /** desired/current/ready/updated/available/misscheduled, observed at the current generation. */
    static void awaitStatus(String name, int desired, int current, int ready, int updated, int available, int miss) {
        String want = desired + "/" + current + "/" + ready + "/" + updated + "/" + available + "/" + miss;
        Poll.until(
                WAIT,
                name + ": desired/current/ready/updated/available/misscheduled " + want,
                () -> {
                    DaemonSet d = get(name);
                    DaemonSetStatus s = d.getStatus();
                    String seen = s.getDesiredNumberScheduled() + "/" + s.getCurrentNumberScheduled() + "/"
                            + s.getNumberReady() + "/" + s.getUpdatedNumberScheduled() + "/"
                            + s.getNumberAvailable() + "/" + s.getNumberMisscheduled();
                    return seen + (s.getObservedGeneration() == d.getMetadata().getGeneration() ? "" : " (stale)");
                },
                want::equals);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void onePodPerEligibleNodeFollowingTheNodeSelector() {
        label("sel", "n1", "n2");
        DaemonSet ds = daemonSet("sel", "img:1", s -> s);
        awaitPods("sel", expect("img:1", "n1", "n2"));
        awaitStatus("sel", 2, 2, 2, 2, 2, 0);

        Pod p = pods("sel").get(0);
        String node = p.getSpec().getNodeName();
        // created unbound with kube's node-name affinity; bound by the (stand-in) scheduler
        assertThat(p.getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTermsList())
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.getMatchFieldsList()).singleElement().satisfies(r -> {
                        assertThat(r.getKey()).isEqualTo("metadata.name");
                        assertThat(r.getOperator()).isEqualTo("In");
                        assertThat(r.getValuesList()).containsExactly(node);
                    });
                });
        assertThat(p.getSpec().getTolerationsList())
                .extracting(t -> t.getKey() + ":" + t.getOperator() + ":" + t.getEffect())
                .containsExactly(
                        "node.kubernetes.io/not-ready:Exists:NoExecute",
                        "node.kubernetes.io/unreachable:Exists:NoExecute",
                        "node.kubernetes.io/disk-pressure:Exists:NoSchedule",
                        "node.kubernetes.io/memory-pressure:Exists:NoSchedule",
                        "node.kubernetes.io/pid-pressure:Exists:NoSchedule",
                        "node.kubernetes.io/unschedulable:Exists:NoSchedule");
        assertThat(p.getMetadata().getLabelsMap())
                .containsEntry("pod-template-generation", "1")
                .containsKey("controller-revision-hash");
        assertThat(Pods.controllerRef(p.getMetadata()).orElseThrow().getUid())
                .isEqualTo(ds.getMetadata().getUid());

        label("sel", "n3");
        awaitPods("sel", expect("img:1", "n1", "n2", "n3"));
        unlabel("sel", "n1", "n2");
        awaitPods("sel", expect("img:1", "n3"));
        awaitStatus("sel", 1, 1, 1, 1, 1, 0);
    }

    @Test
    void taintsAgainstTolerations() {
        label("taint", "n1", "n2");
        daemonSet("taint", "img:1", s -> s);
        awaitPods("taint", expect("img:1", "n1", "n2"));
        try {
            // an untolerated NoSchedule taint: the pod stays (misscheduled), none would be created
            taints("n2", taint("dedicated", "NoSchedule"));
            awaitStatus("taint", 1, 1, 1, 1, 1, 1);
            assertThat(readyByNode("taint")).isEqualTo(expect("img:1", "n1", "n2"));
            // an untolerated NoExecute taint removes it
            taints("n2", taint("dedicated", "NoExecute"));
            awaitPods("taint", expect("img:1", "n1"));
            awaitStatus("taint", 1, 1, 1, 1, 1, 0);
            // the taints every DaemonSet pod tolerates
            taints(
                    "n2",
                    taint("node.kubernetes.io/unschedulable", "NoSchedule"),
                    taint("node.kubernetes.io/not-ready", "NoExecute"));
            awaitPods("taint", expect("img:1", "n1", "n2"));
            awaitStatus("taint", 2, 2, 2, 2, 2, 0);
            // network-unavailable only for host-network pods
            taints("n2", taint("node.kubernetes.io/network-unavailable", "NoSchedule"));
            awaitStatus("taint", 1, 1, 1, 1, 1, 1);
        } finally {
            taints("n2");
        }
        awaitStatus("taint", 2, 2, 2, 2, 2, 0);
    }

    @Test
    void nodeAddedAndRemoved() {
        label("grow", "n1");
        daemonSet("grow", "img:1", s -> s);
        awaitPods("grow", expect("img:1", "n1"));
        ControllerManagerUnderTest.join(
                h.of(NodeKind.RESOURCE).create(ControllerManagerUnderTest.readyNode("n9", Map.of("grow", "yes"))));
        kubelets.resume("n9");
        awaitPods("grow", expect("img:1", "n1", "n9"));
        awaitStatus("grow", 2, 2, 2, 2, 2, 0);
        ControllerManagerUnderTest.join(h.of(NodeKind.RESOURCE).delete(null, "n9"));
        Poll.until(
                WAIT,
                "grow: only n1's pod left (the pod of the deleted node gone)",
                () -> pods("grow").stream()
                        .map(p -> p.getSpec().getNodeName())
                        .sorted()
                        .toList(),
                List.of("n1")::equals);
        awaitStatus("grow", 1, 1, 1, 1, 1, 0);
        kubelets.stop("n9");
    }

    @Test
    void rollingUpdateKeepsAtMostMaxUnavailableNodesWithoutAnAvailablePod() {
        rollAndWatch("roll", 0, 1, 1);
    }

    @Test
    void rollingUpdateWithSurgeKeepsEveryNodeServed() {
        rollAndWatch("surge", 1, 0, 0);
    }

    private void rollAndWatch(String name, int surge, int unavailable, int bound) {
        label(name, NODES.toArray(String[]::new));
        daemonSet(name, "img:1", s -> strategy(s, surge, unavailable));
        awaitPods(name, expect("img:1", NODES.toArray(String[]::new)));
        awaitStatus(name, 4, 4, 4, 4, 4, 0);

        List<String> violations = new CopyOnWriteArrayList<>();
        Set<String> steps = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
        Informer<Pod> podWatch = new Informer<>(h.of(PodKind.RESOURCE), "default");
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        podWatch.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                check();
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                check();
            }

            @Override
            public void onDelete(Pod p) {
                check();
            }

            private void check() {
                if (!armed.get()) {
                    return; // the initial list arrives one add at a time
                }
                Map<String, TreeSet<String>> served = new TreeMap<>();
                for (Pod p : podWatch.list()) {
                    if (name.equals(p.getMetadata().getLabelsMap().get("app")) && Pods.isActive(p) && Pods.isReady(p)) {
                        served.computeIfAbsent(p.getSpec().getNodeName(), k -> new TreeSet<>())
                                .add(p.getSpec().getContainers(0).getImage());
                    }
                }
                steps.add(served.toString());
                long unserved =
                        NODES.stream().filter(n -> !served.containsKey(n)).count();
                if (unserved > bound) {
                    violations.add(unserved + " > " + bound + " nodes without an available pod: " + served);
                }
                for (Set<String> images : served.values()) {
                    if (images.size() > 1 + surge) {
                        violations.add("more pods on a node than maxSurge allows: " + served);
                    }
                }
            }
        });
        podWatch.start();
        try {
            Poll.until(WAIT, "watch synced", podWatch::hasSynced);
            armed.set(true);
            setImage(name, "img:2");
            awaitPods(name, expect("img:2", NODES.toArray(String[]::new)));
            awaitStatus(name, 4, 4, 4, 4, 4, 0);
        } finally {
            podWatch.close();
        }
        assertThat(violations).as("bounds broken; steps: %s", steps).isEmpty();
        // the rollout went node by node: some step served both images
        assertThat(steps).anyMatch(st -> st.contains("img:1") && st.contains("img:2"));
        assertThat(pods(name))
                .allSatisfy(
                        p -> assertThat(p.getMetadata().getLabelsMap()).containsEntry("pod-template-generation", "2"));
        unlabel(name, NODES.toArray(String[]::new));
        awaitStatus(name, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void onDeleteReplacesOnlyDeletedPods() {
        label("ondel", "n1", "n2");
        daemonSet(
                "ondel",
                "img:1",
                s -> s.setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder().setType("OnDelete")));
        awaitPods("ondel", expect("img:1", "n1", "n2"));
        setImage("ondel", "img:2");
        // the new generation is observed, nothing is replaced
        awaitStatus("ondel", 2, 2, 2, 0, 2, 0);
        assertThat(readyByNode("ondel")).isEqualTo(expect("img:1", "n1", "n2"));
        Pod onN1 = pods("ondel").stream()
                .filter(p -> p.getSpec().getNodeName().equals("n1"))
                .findFirst()
                .orElseThrow();
        ControllerManagerUnderTest.join(Pods.delete(h.of(PodKind.RESOURCE), onN1));
        Poll.until(
                WAIT,
                "ondel: n1 runs img:2, n2 still img:1",
                () -> readyByNode("ondel"),
                Map.of("n1", "img:2", "n2", "img:1")::equals);
        awaitStatus("ondel", 2, 2, 2, 1, 2, 0);
    }

    @Test
    void anOrphanPodOnAnEligibleNodeIsAdopted() {
        label("adopt", "n1", "n2");
        Pod orphan = ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace("default")
                                .setName("adopt-orphan")
                                .putLabels("app", "adopt"))
                        .setSpec(PodSpec.newBuilder()
                                .setNodeName("n1")
                                .setTerminationGracePeriodSeconds(0)
                                .addContainers(
                                        Container.newBuilder().setName("app").setImage("img:1")))
                        .build()));
        Poll.until(WAIT, "the orphan Ready", () -> readyByNode("adopt"), expect("img:1", "n1")::equals);
        DaemonSet ds = daemonSet(
                "adopt",
                "img:1",
                s -> s.setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder().setType("OnDelete")));
        awaitPods("adopt", expect("img:1", "n1", "n2"));
        Poll.until(
                WAIT,
                "the orphan owned by the DaemonSet, and the only pod on n1",
                () -> pods("adopt").stream()
                        .filter(p -> p.getSpec().getNodeName().equals("n1"))
                        .map(p -> p.getMetadata().getUid() + " "
                                + Pods.controllerRef(p.getMetadata())
                                        .map(r -> r.getUid())
                                        .orElse("-"))
                        .toList(),
                List.of(orphan.getMetadata().getUid() + " " + ds.getMetadata().getUid())::equals);
        // the adopted pod carries no revision labels: it is not up to date (OnDelete leaves it)
        awaitStatus("adopt", 2, 2, 2, 1, 2, 0);
    }

    @Test
    void minReadySecondsDelaysAvailability() {
        label("minready", "n4");
        daemonSet("minready", "img:1", s -> s.setMinReadySeconds(2));
        // ready but not yet available for 2 s, then available without any further pod event
        awaitStatus("minready", 1, 1, 1, 1, 0, 0);
        awaitStatus("minready", 1, 1, 1, 1, 1, 0);
    }

    @Test
    void failedPodIsReplaced() {
        label("fail", "n3");
        daemonSet("fail", "img:1", s -> s);
        awaitPods("fail", expect("img:1", "n3"));
        Pod p = pods("fail").get(0);
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(
                        "default",
                        p.getMetadata().getName(),
                        x -> x.toBuilder()
                                .setStatus(x.getStatus().toBuilder()
                                        .setPhase("Failed")
                                        .clearConditions())
                                .build()));
        Poll.until(
                WAIT,
                "fail: a new Ready pod on n3 in place of " + p.getMetadata().getName(),
                () -> pods("fail").stream()
                        .filter(Pods::isReady)
                        .map(x -> x.getMetadata().getName())
                        .collect(Collectors.toList()),
                names -> names.size() == 1 && !names.contains(p.getMetadata().getName()));
        assertThat(h.events("FailedDaemonPod"))
                .anySatisfy(e -> assertThat(e.getMessage())
                        .isEqualTo("Found failed daemon pod default/"
                                + p.getMetadata().getName() + " on node n3, will try to kill it"));
    }

    // ------------------------------------------------------------------ history (ControllerRevisions)

    /** The DaemonSet's ControllerRevisions as {@code name=number}, by number. */
    static String revisions(String name) {
        String uid = get(name).getMetadata().getUid();
        return h.list(ControllerRevisionKind.RESOURCE, "default").stream()
                .filter(r -> Pods.controllerRef(r.getMetadata())
                        .map(ref -> ref.getUid().equals(uid))
                        .orElse(false))
                .sorted(Comparator.comparingLong(ControllerRevision::getRevision))
                .map(r -> r.getMetadata().getName() + "=" + r.getRevision())
                .collect(Collectors.joining(" "));
    }

    /** The revision-hash labels of the DaemonSet's live pods, sorted. */
    static List<String> podHashes(String name) {
        return pods(name).stream()
                .map(p -> p.getMetadata().getLabelsMap().get("controller-revision-hash"))
                .sorted()
                .toList();
    }

    static String hashOf(String revisionName) {
        return h.getOrNull(ControllerRevisionKind.RESOURCE, "default", revisionName)
                .getMetadata()
                .getLabelsMap()
                .get("controller-revision-hash");
    }

    static String image(ControllerRevision r) {
        return RevisionData.template(r.getData())
                .orElseThrow()
                .getSpec()
                .getContainers(0)
                .getImage();
    }

    @Test
    void eachTemplateIsARevisionAndGoingBackRenumbersTheOldOne() {
        label("hist", "n1", "n2");
        DaemonSet ds = daemonSet("hist", "img:1", s -> s);
        awaitPods("hist", expect("img:1", "n1", "n2"));
        String rev1 = "hist-" + RevisionHistory.hash(ds.getSpec().getTemplate(), null);
        Poll.until(WAIT, "hist: one revision", () -> revisions("hist"), (rev1 + "=1")::equals);
        ControllerRevision r1 = h.getOrNull(ControllerRevisionKind.RESOURCE, "default", rev1);
        String hash1 = hashOf(rev1);
        assertThat(rev1).isEqualTo("hist-" + hash1);
        assertThat(r1.getMetadata().getLabelsMap()).containsEntry("app", "hist");
        assertThat(image(r1)).isEqualTo("img:1");
        assertThat(podHashes("hist")).containsExactly(hash1, hash1);

        DaemonSet v2 = setImage("hist", "img:2");
        awaitPods("hist", expect("img:2", "n1", "n2"));
        awaitStatus("hist", 2, 2, 2, 2, 2, 0);
        String rev2 = "hist-" + RevisionHistory.hash(v2.getSpec().getTemplate(), null);
        Poll.until(WAIT, "hist: two revisions", () -> revisions("hist"), (rev1 + "=1 " + rev2 + "=2")::equals);
        String hash2 = hashOf(rev2);
        Poll.until(WAIT, "hist: pods carry " + hash2, () -> podHashes("hist"), List.of(hash2, hash2)::equals);

        // back to img:1 (what kubectl rollout undo does): revision 1 becomes number 3, none is made
        setImage("hist", "img:1");
        awaitPods("hist", expect("img:1", "n1", "n2"));
        awaitStatus("hist", 2, 2, 2, 2, 2, 0);
        Poll.until(WAIT, "hist: rev1 renumbered", () -> revisions("hist"), (rev2 + "=2 " + rev1 + "=3")::equals);
        assertThat(podHashes("hist")).containsExactly(hash1, hash1);
        unlabel("hist", "n1", "n2");
    }

    @Test
    void oldRevisionsOverTheLimitAreDeletedOnceNoPodCarriesThem() {
        label("limit", "n1", "n2");
        daemonSet(
                "limit",
                "img:1",
                s -> s.setRevisionHistoryLimit(0)
                        .setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder().setType("OnDelete")));
        awaitPods("limit", expect("img:1", "n1", "n2"));
        Poll.until(WAIT, "limit: one revision", () -> revisions("limit"), r -> r.endsWith("=1") && !r.contains(" "));
        String rev1 = revisions("limit").replace("=1", "");
        DaemonSet v2 = setImage("limit", "img:2");
        String rev2 = "limit-" + RevisionHistory.hash(v2.getSpec().getTemplate(), null);
        // the old revision is over the limit (0) but the OnDelete pods still carry its hash: kept
        Poll.until(WAIT, "limit: both revisions", () -> revisions("limit"), (rev1 + "=1 " + rev2 + "=2")::equals);
        awaitStatus("limit", 2, 2, 2, 0, 2, 0);
        assertThat(revisions("limit")).isEqualTo(rev1 + "=1 " + rev2 + "=2");
        for (Pod p : pods("limit")) {
            ControllerManagerUnderTest.join(Pods.delete(h.of(PodKind.RESOURCE), p));
        }
        awaitPods("limit", expect("img:2", "n1", "n2"));
        Poll.until(WAIT, "limit: only the current revision", () -> revisions("limit"), (rev2 + "=2")::equals);
        unlabel("limit", "n1", "n2");
    }

    @Test
    void duplicateRevisionsOfTheCurrentTemplateAreMergedIntoTheNewest() {
        label("dedup", "n1", "n2");
        daemonSet("dedup", "img:1", s -> s);
        awaitPods("dedup", expect("img:1", "n1", "n2"));
        Poll.until(WAIT, "dedup: one revision", () -> revisions("dedup"), r -> r.endsWith("=1"));
        Set<String> uids =
                pods("dedup").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        ControllerRevision first = h.list(ControllerRevisionKind.RESOURCE, "default").stream()
                .filter(r -> r.getMetadata().getName().startsWith("dedup-"))
                .findFirst()
                .orElseThrow();
        // a second revision of the same template, numbered higher (as a racing sync could leave it)
        ControllerRevision dup = first.toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName("dedup-extra")
                        .putAllLabels(first.getMetadata().getLabelsMap())
                        .putLabels("controller-revision-hash", "extra")
                        .addAllOwnerReferences(first.getMetadata().getOwnerReferencesList()))
                .setRevision(5)
                .build();
        ControllerManagerUnderTest.join(h.of(ControllerRevisionKind.RESOURCE).create(dup));
        Poll.until(WAIT, "dedup: only the newest duplicate kept", () -> revisions("dedup"), "dedup-extra=5"::equals);
        Poll.until(WAIT, "dedup: pods relabelled", () -> podHashes("dedup"), List.of("extra", "extra")::equals);
        // relabelled, not replaced
        assertThat(pods("dedup").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet()))
                .isEqualTo(uids);
        awaitStatus("dedup", 2, 2, 2, 2, 2, 0);
        unlabel("dedup", "n1", "n2");
    }

    @Test
    void aRevisionNameTakenByAnotherTemplateRaisesTheCollisionCount() {
        label("coll", "n1");
        // the template as the API server stores it, to know the name its first revision would get
        Map<String, String> labels = Map.of("app", "coll");
        DaemonSet probe = DaemonSetKind.KIND
                .strategy()
                .prepareForCreate(DaemonSetKind.KIND
                        .strategy()
                        .defaults(DaemonSet.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace("default")
                                        .setName("coll"))
                                .setSpec(DaemonSetSpec.newBuilder()
                                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                                        .setTemplate(PodTemplateSpec.newBuilder()
                                                .setMetadata(
                                                        ObjectMeta.newBuilder().putAllLabels(labels))
                                                .setSpec(PodSpec.newBuilder()
                                                        .putNodeSelector("coll", "yes")
                                                        .setTerminationGracePeriodSeconds(0)
                                                        .addContainers(Container.newBuilder()
                                                                .setName("app")
                                                                .setImage("img:1")))))
                                .build()));
        String taken = "coll-" + RevisionHistory.hash(probe.getSpec().getTemplate(), null);
        ControllerManagerUnderTest.join(h.of(ControllerRevisionKind.RESOURCE)
                .create(ControllerRevision.newBuilder()
                        .setMetadata(
                                ObjectMeta.newBuilder().setNamespace("default").setName(taken))
                        .setData(RevisionData.of(PodTemplateSpec.getDefaultInstance()))
                        .setRevision(1)
                        .build()));
        try {
            DaemonSet ds = daemonSet("coll", "img:1", s -> s);
            assertThat(ds.getSpec().getTemplate()).isEqualTo(probe.getSpec().getTemplate());
            String want = "coll-" + RevisionHistory.hash(ds.getSpec().getTemplate(), 1);
            Poll.until(
                    WAIT,
                    "coll: collision count 1",
                    () -> get("coll").getStatus().getCollisionCount(),
                    c -> c == 1);
            Poll.until(WAIT, "coll: revision " + want, () -> revisions("coll"), (want + "=1")::equals);
            awaitPods("coll", expect("img:1", "n1"));
            assertThat(podHashes("coll")).containsExactly(hashOf(want));
        } finally {
            ControllerManagerUnderTest.join(
                    h.of(ControllerRevisionKind.RESOURCE).delete("default", taken));
            unlabel("coll", "n1");
        }
    }
}
