package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the etcd raft leader (one member of 3) under steady load through the API
 * server.
 *
 * <p>Invariants: no component exits or is restarted; every write the API server
 * acknowledged is there afterwards with its acknowledged value (pods created, and a
 * Secret whose value is overwritten in a loop holds the last acknowledged value); watches
 * go on: pods created after the kill are scheduled and run, and the API server's watch
 * cache (a list at resourceVersion 0) converges to etcd (a quorum list); no pod bound twice.
 */
class EtcdMemberKillTest extends E2eBase {
    private int killed = -1;

    @Test
    void killingTheEtcdLeaderLosesNoAcknowledgedWriteAndNoComponentNeedsARestart() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc k = cluster.kubeletSim("kubelet-sim-0", "node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, sched, k);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 4, Duration.ofSeconds(60));
        long rev0 = cluster.etcd.currentRevision();

        ObjectNode secret = Api.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "counter");
        secret.putObject("stringData").put("value", "0");
        api.post("/api/v1/namespaces/default/secrets", secret);

        Map<String, String> ackedPods = new ConcurrentHashMap<>(); // name -> uid
        AtomicLong ackedValue = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> failureTimes = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(
                () -> {
                    int i = 0;
                    while (!stop.get()) {
                        i++;
                        try {
                            JsonNode p = api.post("/api/v1/namespaces/default/pods", Api.pod("load-" + i, "load", 300));
                            ackedPods.put(
                                    "load-" + i, p.path("metadata").path("uid").asText());
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            failureTimes.add(System.nanoTime());
                        }
                        try {
                            api.patch(
                                    "/api/v1/namespaces/default/secrets/counter",
                                    "{\"stringData\":{\"value\":\"" + i + "\"}}");
                            ackedValue.set(i);
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            failureTimes.add(System.nanoTime());
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "steady-load");
        load.start();
        try {
            Poll.until(
                    Duration.ofSeconds(60),
                    "40 acknowledged pod creates (acknowledged so far)",
                    ackedPods::size,
                    n -> n >= 40);
            int leaderIdx = cluster.etcd.leaderIndex();
            int before = ackedPods.size();
            long tKill = System.nanoTime();
            cluster.etcd.kill(leaderIdx);
            killed = leaderIdx;
            Timings.log("killed etcd raft leader m" + leaderIdx + " after " + before + " acknowledged pod creates");
            Poll.until(
                    Duration.ofSeconds(60),
                    (before + 40) + " acknowledged pod creates, 40 after the kill (acknowledged so far)",
                    ackedPods::size,
                    n -> n >= before + 40);
            Timings.timing("etcd leader kill -> 40 more acknowledged creates", Timings.ms(tKill));
            long lastFailure =
                    failureTimes.isEmpty() ? 0 : (failureTimes.get(failureTimes.size() - 1) - tKill) / 1_000_000;
            Timings.log("failed (unacknowledged) writes during the run: " + failed.get()
                    + (failureTimes.isEmpty() ? "" : ", last one " + lastFailure + " ms after the kill"));
        } finally {
            stop.set(true);
            load.join(30_000);
        }
        cluster.assertAllAliveExcept();
        cluster.assertNoRestarts();

        // every acknowledged write is there
        for (Map.Entry<String, String> e : ackedPods.entrySet()) {
            JsonNode p = api.get("/api/v1/namespaces/default/pods/" + e.getKey());
            assertThat(p.path("metadata").path("uid").asText())
                    .as("acknowledged pod " + e.getKey())
                    .isEqualTo(e.getValue());
        }
        String value = new String(java.util.Base64.getDecoder()
                .decode(api.get("/api/v1/namespaces/default/secrets/counter")
                        .path("data")
                        .path("value")
                        .asText()));
        assertThat(Long.parseLong(value))
                .as("the secret holds at least the last acknowledged value")
                .isGreaterThanOrEqualTo(ackedValue.get());
        // a write that failed on the client may still have been applied; it can only be the next one
        assertThat(Long.parseLong(value)).isLessThanOrEqualTo(ackedValue.get() + 1);

        // watches go on: the scheduler and kubelet-sim see and run the pods created after the kill
        int n = api.pods("app%3Dload").size();
        awaitRunning(api, "load", n, Duration.ofSeconds(120));
        // the API server's watch cache converges to etcd
        Poll.until(
                Duration.ofSeconds(30),
                "watch cache == quorum read (pods only in the cache / only in etcd)",
                () -> {
                    List<String> cached = names(api.items("/api/v1/namespaces/default/pods?resourceVersion=0"));
                    List<String> quorum = names(api.items("/api/v1/namespaces/default/pods"));
                    List<String> onlyCached =
                            cached.stream().filter(x -> !quorum.contains(x)).toList();
                    List<String> onlyQuorum =
                            quorum.stream().filter(x -> !cached.contains(x)).toList();
                    return List.of(onlyCached, onlyQuorum);
                },
                d -> d.get(0).isEmpty() && d.get(1).isEmpty());
        for (Proc p : cluster.procs()) {
            assertThat(p.ready()).as(p.id + " ready").isTrue();
        }
        assertEveryPodBoundAtMostOnce(rev0);
        Timings.log(ackedPods.size() + " acknowledged pods, secret value " + value + " (last acknowledged "
                + ackedValue.get() + ")");
        long tRestart = System.nanoTime();
        cluster.etcd.restart(killed);
        killed = -1;
        Timings.timing("etcd member restart (rejoins from its data dir)", Timings.ms(tRestart));
    }

    @AfterEach
    void restartKilledMember() {
        if (killed >= 0) {
            cluster.etcd.restart(killed);
            killed = -1;
        }
    }

    private static List<String> names(List<JsonNode> items) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : items) {
            out.add(Api.name(i) + "@"
                    + i.path("metadata").path("resourceVersion").asText() + "/" + Api.phase(i));
        }
        out.sort(null);
        return out;
    }
}
