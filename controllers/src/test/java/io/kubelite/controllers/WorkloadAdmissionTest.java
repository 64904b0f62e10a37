package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetSpec;
import io.kubelite.api.Event;
import io.kubelite.api.Job;
import io.kubelite.api.JobSpec;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.LimitRange;
import io.kubelite.api.LimitRangeItem;
import io.kubelite.api.LimitRangeSpec;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ResourceQuotaSpec;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetSpec;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.core.limitrange.LimitRangeKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pods that the Job, StatefulSet and DaemonSet controllers write straight to etcd go through the
 * same admission as pods created through the API ({@code PodAdmission}): in a namespace whose
 * ResourceQuota allows 2 pods and whose LimitRange defaults container cpu, a workload wanting 3
 * pods gets exactly 2, each with the defaulted requests and limits; the workload carries kube's
 * FailedCreate warning, paced by the controller's back-off rather than repeated in a tight loop;
 * and once the quota is raised the controller's retry creates the third pod.
 *
 * <p>One controller-manager (job, statefulset, daemonset, resourcequota, garbagecollector) and
 * {@link FakeKubelets} on three nodes serve every test; each test has its own namespace.
 */
@Timeout(300)
class WorkloadAdmissionTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration WAIT = Duration.ofSeconds(60);
    /** How long a test watches the refused workload stay at 2 pods (and counts its events). */
    static final Duration HOLD = Duration.ofSeconds(3);

    static final String QUOTA = "q";
    static final String EXCEEDED = "is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2";

    static ControllerManagerUnderTest h;
    static FakeKubelets kubelets;

    @BeforeAll
    static void start() throws Exception {
        h = new ControllerManagerUnderTest(
                ETCD, "--controllers=job,statefulset,daemonset,resourcequota,garbagecollector");
        kubelets = new FakeKubelets(h, 1000, "n1", "n2", "n3");
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

    // ------------------------------------------------------------------ tests

    @Test
    void aJobPastItsQuotaGetsTwoPodsAFailedCreateAndItsThirdPodOnceTheQuotaIsRaised() {
        String ns = "adm-job";
        limitedNamespace(ns);
        createJob(ns, "work", 3);

        // kube's pod control: "Error creating: <err>"; admission names the pod by its generateName
        refusedThenRetried(ns, "Job", "work", "Error creating: pods \"work-\" " + EXCEEDED);
    }

    @Test
    void aStatefulSetPastItsQuotaGetsTwoPodsAFailedCreateAndItsThirdPodOnceTheQuotaIsRaised() {
        String ns = "adm-sts";
        limitedNamespace(ns);
        Map<String, String> labels = Map.of("app", "web");
        StatefulSet set = StatefulSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("web"))
                .setSpec(StatefulSetSpec.newBuilder()
                        .setReplicas(3)
                        .setServiceName("web")
                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                        .setTemplate(template(labels)))
                .build();
        var strategy = StatefulSetKind.KIND.strategy();
        StatefulSet prepared = strategy.prepareForCreate(strategy.defaults(set));
        assertThat(StatefulSetKind.KIND.validateCreate(prepared)).isEmpty();
        ControllerManagerUnderTest.join(h.of(StatefulSetKind.RESOURCE).create(prepared));

        // kube's stateful_pod_control recordPodEvent wording
        refusedThenRetried(
                ns,
                "StatefulSet",
                "web",
                "create Pod web-2 in StatefulSet web failed error: pods \"web-2\" " + EXCEEDED);
        assertThat(pods(ns).stream().map(p -> p.getMetadata().getName()))
                .as("the StatefulSet's pods")
                .containsExactly("web-0", "web-1", "web-2");
    }

    @Test
    void aDaemonSetPastItsQuotaGetsTwoPodsAFailedCreateAndItsThirdPodOnceTheQuotaIsRaised() {
        String ns = "adm-ds";
        limitedNamespace(ns);
        Map<String, String> labels = Map.of("app", "agent");
        DaemonSet ds = DaemonSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("agent"))
                .setSpec(DaemonSetSpec.newBuilder()
                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                        .setTemplate(template(labels)))
                .build();
        var strategy = DaemonSetKind.KIND.strategy();
        DaemonSet prepared = strategy.prepareForCreate(strategy.defaults(ds));
        assertThat(DaemonSetKind.KIND.validateCreate(prepared)).isEmpty();
        ControllerManagerUnderTest.join(h.of(DaemonSetKind.RESOURCE).create(prepared));

        refusedThenRetried(ns, "DaemonSet", "agent", "Error creating: pods \"agent-\" " + EXCEEDED);
        assertThat(pods(ns).stream().map(p -> FakeKubelets.pinnedNode(p)))
                .as("nodes of the DaemonSet's pods")
                .containsExactlyInAnyOrder("n1", "n2", "n3");
    }

    // ------------------------------------------------------------------ the shared scenario

    /**
     * The workload {@code kind/name} in {@code ns} wants 3 pods under a 2-pod quota: exactly 2 are
     * created, a FailedCreate warning with {@code message} is recorded on it, the controller keeps
     * to its back-off (few events, still 2 pods), and raising the quota to 3 brings the third pod.
     * Every pod carries the LimitRange's defaults.
     */
    static void refusedThenRetried(String ns, String kind, String name, String message) {
        Poll.until(
                WAIT,
                "a Warning FailedCreate event on " + kind + " " + ns + "/" + name + " saying: " + message,
                () -> failedCreates(ns, kind, name).stream()
                        .map(e -> e.getType() + " " + e.getMessage())
                        .toList(),
                seen -> seen.contains("Warning " + message));
        List<Pod> two = Poll.until(WAIT, "exactly 2 pods in " + ns, () -> pods(ns), ps -> ps.size() == 2);
        assertDefaulted(two);

        long before = occurrences(failedCreates(ns, kind, name));
        Poll.holds(
                HOLD,
                "the quota keeps " + ns + " at 2 pods",
                () -> assertThat(pods(ns)).as("pods in " + ns).hasSize(2));
        long during = occurrences(failedCreates(ns, kind, name)) - before;
        // one event per failed sync, syncs paced by the queue's back-off: a tight loop would be hundreds
        assertThat(during)
                .as("FailedCreate events on " + kind + " " + name + " in " + HOLD)
                .isLessThan(15);

        raiseQuota(ns, 3);
        List<Pod> three = Poll.until(
                WAIT, "a third pod in " + ns + " once the quota allows 3", () -> pods(ns), ps -> ps.size() == 3);
        assertDefaulted(three);
    }

    @Test
    void aRestrictedNamespaceRefusesAJobsPrivilegedPodsUntilRelabelledAndPodsGetTheTokenVolume() {
        String ns = "adm-psa";
        ControllerManagerUnderTest.join(h.of(NamespaceKind.RESOURCE)
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName(ns)
                                .putLabels("pod-security.kubernetes.io/enforce", "restricted"))
                        .build()));
        Poll.until(
                WAIT,
                "the controllers' informers show namespace " + ns,
                () -> h.manager().cached(NamespaceKind.RESOURCE, "", ns).isPresent());
        createJob(ns, "psa", 2);

        // the API server's PodSecurity plugin words it so for a pod created through it
        String refused = "Error creating: pods \"psa-\" is forbidden: violates PodSecurity \"restricted:latest\":"
                + " allowPrivilegeEscalation != false";
        Poll.until(
                WAIT,
                "a Warning FailedCreate event on Job " + ns + "/psa starting: " + refused,
                () -> failedCreates(ns, "Job", "psa").stream()
                        .map(e -> e.getType() + " " + e.getMessage())
                        .toList(),
                seen -> seen.stream().anyMatch(m -> m.startsWith("Warning " + refused)));
        assertThat(pods(ns)).as("pods in the restricted namespace " + ns).isEmpty();

        ControllerManagerUnderTest.join(h.of(NamespaceKind.RESOURCE)
                .guaranteedUpdate(
                        "",
                        ns,
                        n -> n.toBuilder()
                                .setMetadata(n.getMetadata().toBuilder()
                                        .putLabels("pod-security.kubernetes.io/enforce", "baseline"))
                                .build()));
        List<Pod> created = Poll.until(
                WAIT, "the Job's 2 pods once " + ns + " enforces baseline", () -> pods(ns), ps -> ps.size() == 2);
        for (Pod p : created) {
            assertThat(p.getSpec().getVolumesList())
                    .as("volumes of " + p.getMetadata().getName() + " (the ServiceAccount plugin's token volume)")
                    .anySatisfy(v -> assertThat(v.getName()).startsWith("kube-api-access-"));
            assertThat(p.getSpec().getContainers(0).getVolumeMountsList())
                    .as("mounts of " + p.getMetadata().getName())
                    .anySatisfy(m ->
                            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount"));
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** A Job of {@code pods} busybox pods run at once, defaulted and validated as the API server would. */
    static void createJob(String ns, String name, int pods) {
        Job job = Job.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .setSpec(JobSpec.newBuilder()
                        .setParallelism(pods)
                        .setCompletions(pods)
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setSpec(PodSpec.newBuilder()
                                        .setRestartPolicy("Never")
                                        .addContainers(Container.newBuilder()
                                                .setName("work")
                                                .setImage("busybox")))))
                .build();
        var strategy = JobKind.KIND.strategy();
        Job prepared = strategy.prepareForCreate(strategy.defaults(job));
        assertThat(JobKind.KIND.validateCreate(prepared)).isEmpty();
        ControllerManagerUnderTest.join(h.of(JobKind.RESOURCE).create(prepared));
    }

    static PodTemplateSpec.Builder template(Map<String, String> labels) {
        return PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                .setSpec(PodSpec.newBuilder()
                        .setTerminationGracePeriodSeconds(0)
                        .addContainers(Container.newBuilder().setName("app").setImage("img:1")));
    }

    /**
     * A ResourceQuota {@code q} of 2 pods and a LimitRange defaulting container cpu (request 100m,
     * limit 500m) in {@code ns}; returns once the controller-manager's informers show both, the
     * quota with its usage counted (else admission would refuse with "status unknown").
     */
    static void limitedNamespace(String ns) {
        ControllerManagerUnderTest.join(h.of(LimitRangeKind.RESOURCE)
                .create(LimitRange.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("defaults"))
                        .setSpec(LimitRangeSpec.newBuilder()
                                .addLimits(LimitRangeItem.newBuilder()
                                        .setType("Container")
                                        .putDefault("cpu", "500m")
                                        .putDefaultRequest("cpu", "100m")))
                        .build()));
        ControllerManagerUnderTest.join(h.of(ResourceQuotaKind.RESOURCE)
                .create(ResourceQuota.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(QUOTA))
                        .setSpec(ResourceQuotaSpec.newBuilder().putHard("pods", "2"))
                        .build()));
        Poll.until(
                WAIT,
                "the controllers' informers show LimitRange " + ns + "/defaults",
                () -> h.manager()
                        .cached(LimitRangeKind.RESOURCE, ns, "defaults")
                        .isPresent());
        Poll.until(
                WAIT,
                "the controllers' informers show quota " + ns + "/" + QUOTA + " with status.used pods=0",
                () -> h.manager()
                        .cached(ResourceQuotaKind.RESOURCE, ns, QUOTA)
                        .map(q -> q.getStatus().getUsedMap())
                        .orElse(null),
                used -> used != null && "0".equals(used.get("pods")));
    }

    /** Sets the quota's spec to {@code pods}, as {@code kubectl edit quota} would; the quota controller copies it to status. */
    static void raiseQuota(String ns, int pods) {
        ControllerManagerUnderTest.join(h.of(ResourceQuotaKind.RESOURCE)
                .guaranteedUpdate(
                        ns,
                        QUOTA,
                        q -> q.toBuilder()
                                .setSpec(q.getSpec().toBuilder().putHard("pods", Integer.toString(pods)))
                                .build()));
    }

    /** The namespace's pods that are not being deleted, by name. */
    static List<Pod> pods(String ns) {
        return h.list(PodKind.RESOURCE, ns).stream()
                .filter(p -> !Pods.isTerminating(p))
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
                .toList();
    }

    static void assertDefaulted(List<Pod> pods) {
        for (Pod p : pods) {
            var r = p.getSpec().getContainers(0).getResources();
            assertThat(Map.of("requests", r.getRequestsMap(), "limits", r.getLimitsMap()))
                    .as("resources of pod " + p.getMetadata().getName() + " (the LimitRange's defaults)")
                    .isEqualTo(Map.of("requests", Map.of("cpu", "100m"), "limits", Map.of("cpu", "500m")));
        }
    }

    static List<Event> failedCreates(String ns, String kind, String name) {
        return h.events("FailedCreate").stream()
                .filter(e -> e.getInvolvedObject().getKind().equals(kind)
                        && e.getInvolvedObject().getNamespace().equals(ns)
                        && e.getInvolvedObject().getName().equals(name))
                .toList();
    }

    /** Occurrences, counting the repeats the recorder folded into one event's {@code count}. */
    static long occurrences(List<Event> events) {
        return events.stream().mapToLong(e -> Math.max(1, e.getCount())).sum();
    }
}
