package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.Pod;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An Indexed Job with per-index back-off ({@code backoffLimitPerIndex}) whose pods fail, some
 * always and some at random, with a kill -9 of the controller-manager leader while it runs.
 *
 * <p>Each pod reads its index's failure count (the {@code batch.kubernetes.io/job-index-failure-count}
 * annotation, through the downward API) and checks its {@code JOB_COMPLETION_INDEX} against its
 * hostname ({@code work-<index>}), exiting 3 when they differ. The first pod of every even index
 * fails, so failures happen in every run; later pods fail at random ({@code exit $((RANDOM % 2))})
 * until an index has failed twice, then succeed. That bounds both the run time and the per-index
 * back-off, compressed to 200 ms ({@code --job-pod-failure-backoff}; kube's is 10 s, doubling).
 *
 * <p>Invariants: no container exited 3; the standby takes over and the Job completes (Complete condition, succeeded =
 * completions, completedIndexes "0-7"); over the etcd history, each index has exactly one pod
 * that ever reached phase Succeeded (by its {@code batch.kubernetes.io/job-completion-index}
 * annotation) and none outside 0..7; pods did fail (status.failed > 0 and Failed pods in the
 * history), so the failure handling was exercised.
 */
class IndexedJobTest extends E2eBase {
    private static final int COMPLETIONS = 8;
    private static final String JOB = "/apis/batch/v1/namespaces/default/jobs/work";
    private static final String INDEX = "batch.kubernetes.io/job-completion-index";

    @Test
    void anIndexedJobOfRandomlyFailingPodsCompletesEachIndexOnceThroughAFailover() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm0 = cluster.controllerManager("controller-manager-0", "--job-pod-failure-backoff", "200ms");
        Proc cm1 = cluster.controllerManager("controller-manager-1", "--job-pod-failure-backoff", "200ms");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc ka = cluster.kubeletSim("kubelet-sim-a", "a-node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm0, cm1, sched, ka);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 4, Duration.ofSeconds(60));
        Proc leader = Cluster.awaitLeader(Duration.ofSeconds(30), List.of(cm0, cm1));
        Proc standby = leader == cm0 ? cm1 : cm0;

        long rev0 = cluster.etcd.currentRevision();
        long t0 = System.nanoTime();
        api.post("/apis/batch/v1/namespaces/default/jobs", job());
        // the kill: once some indexes are done and some pods have failed, well before the end
        JsonNode midway = Poll.until(
                Duration.ofSeconds(90),
                "the Job under way: succeeded >= 2 and failed >= 1, not complete (status)",
                () -> api.get(JOB).path("status"),
                s -> s.path("succeeded").asInt() >= 2
                        && s.path("failed").asInt() >= 1
                        && s.path("succeeded").asInt() < COMPLETIONS);
        long tKill = System.nanoTime();
        leader.kill9();
        Timings.log("killed controller-manager leader " + leader.id + " " + Timings.ms(t0)
                + " ms into the Job; its status then " + midway);
        Cluster.awaitLeads(standby, Cluster.LEADER_LEASE.plusSeconds(30), List.of(cm0, cm1));
        Timings.timing("controller-manager takeover after kill -9", Timings.ms(tKill));

        JsonNode status = Poll.until(
                Duration.ofSeconds(120),
                "the Job Complete (status)",
                () -> api.get(JOB).path("status"),
                s -> condition(s, "Complete").equals("True")
                        || condition(s, "Failed").equals("True"));
        Timings.timing("Job created -> Complete", Timings.ms(t0));
        assertThat(condition(status, "Failed"))
                .as("Failed condition; status " + status)
                .isNotEqualTo("True");
        assertThat(status.path("succeeded").asInt())
                .as("status.succeeded; status " + status)
                .isEqualTo(COMPLETIONS);
        assertThat(status.path("completedIndexes").asText())
                .as("status.completedIndexes")
                .isEqualTo("0-7");
        assertThat(status.path("failed").asInt())
                .as("status.failed: pods did fail")
                .isPositive();

        Map<String, Pod> lastByUid = new HashMap<>();
        Map<String, Set<String>> phasesByUid = new HashMap<>();
        for (EtcdHistory.PodEvent e : EtcdHistory.pods(cluster.store(), rev0)) {
            if (e.pod() != null && ownedByJob(e.pod())) {
                lastByUid.put(e.pod().getMetadata().getUid(), e.pod());
                phasesByUid
                        .computeIfAbsent(e.pod().getMetadata().getUid(), u -> new TreeSet<>())
                        .add(e.pod().getStatus().getPhase());
            }
        }
        Map<String, Set<Integer>> exitCodesByUid = new HashMap<>();
        lastByUid.forEach((uid, p) -> p.getStatus().getContainerStatusesList().forEach(cs -> {
            if (cs.getState().hasTerminated()) {
                exitCodesByUid
                        .computeIfAbsent(uid, u -> new TreeSet<>())
                        .add(cs.getState().getTerminated().getExitCode());
            }
        }));
        Set<Integer> exitCodes = new TreeSet<>();
        exitCodesByUid.values().forEach(exitCodes::addAll);
        assertThat(exitCodes)
                .as("exit codes of the Job's containers (3: JOB_COMPLETION_INDEX was not the pod's index)")
                .containsExactly(0, 1);
        Map<String, List<String>> succeededByIndex = new TreeMap<>();
        int failedPods = 0;
        for (var en : phasesByUid.entrySet()) {
            Pod p = lastByUid.get(en.getKey());
            if (en.getValue().contains("Succeeded")) {
                succeededByIndex
                        .computeIfAbsent(
                                p.getMetadata().getAnnotationsMap().getOrDefault(INDEX, "<none>"),
                                i -> new java.util.ArrayList<>())
                        .add(p.getMetadata().getName());
            }
            if (en.getValue().contains("Failed")) {
                failedPods++;
            }
        }
        Timings.log(phasesByUid.size() + " pods of the Job in the etcd history, " + failedPods
                + " failed; succeeded by index " + succeededByIndex);
        Map<String, Integer> counts = new TreeMap<>();
        succeededByIndex.forEach((i, l) -> counts.put(i, l.size()));
        Map<String, Integer> once = new TreeMap<>();
        for (int i = 0; i < COMPLETIONS; i++) {
            once.put(Integer.toString(i), 1);
        }
        assertThat(counts)
                .as("pods that reached Succeeded, by completion index (etcd history): " + succeededByIndex)
                .isEqualTo(once);
        assertThat(failedPods).as("pods that reached Failed (etcd history)").isPositive();
        cluster.assertAllAliveExcept(leader);
    }

    private static ObjectNode job() {
        ObjectNode j = Api.JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "Job");
        j.putObject("metadata").put("name", "work");
        ObjectNode spec = j.putObject("spec")
                .put("completionMode", "Indexed")
                .put("completions", COMPLETIONS)
                .put("parallelism", 3)
                .put("backoffLimitPerIndex", 3);
        ObjectNode ps = spec.putObject("template").putObject("spec").put("restartPolicy", "Never");
        ObjectNode c = ps.putArray("containers").addObject().put("name", "work").put("image", "busybox:1.36");
        // exit 3 if JOB_COMPLETION_INDEX (downward API on the index label) is not the pod's index, which
        // its hostname <job>-<index> also says; else a second of work, then the outcome described above
        c.putArray("command")
                .add("sh")
                .add("-c")
                .add("[ \"$HOSTNAME\" = \"work-$JOB_COMPLETION_INDEX\" ] || exit 3; sleep 1; "
                        + "if [ \"$FAILS\" -ge 2 ]; then exit 0; fi; "
                        + "if [ $((JOB_COMPLETION_INDEX % 2)) = 0 ] && [ \"$FAILS\" = 0 ]; then exit 1; fi; "
                        + "exit $((RANDOM % 2))");
        c.putArray("env")
                .addObject()
                .put("name", "FAILS")
                .putObject("valueFrom")
                .putObject("fieldRef")
                .put("fieldPath", "metadata.annotations['batch.kubernetes.io/job-index-failure-count']");
        c.putObject("resources").putObject("requests").put("cpu", "10m").put("memory", "16Mi");
        return j;
    }

    private static boolean ownedByJob(Pod p) {
        return p.getMetadata().getOwnerReferencesList().stream()
                .anyMatch(r -> r.getController()
                        && r.getKind().equals("Job")
                        && r.getName().equals("work"));
    }

    /** The status of the Job's condition {@code type}, or "" when it has none. */
    private static String condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText();
            }
        }
        return "";
    }
}
