package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each test gets a fresh cluster of processes over a 3-member etcd started for its class
 * (a new key prefix per test), and loses every process at the end, pass or fail.
 */
abstract class E2eBase {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(3);

    protected Cluster cluster;
    private long testStart;

    @BeforeEach
    void newCluster(TestInfo info) {
        testStart = System.nanoTime();
        String name = info.getTestClass().map(Class::getSimpleName).orElse("e2e") + "-"
                + info.getTestMethod().map(m -> m.getName()).orElse("test");
        Timings.log("==== " + name);
        cluster = new Cluster(ETCD.cluster(), ETCD.newPrefix(), name);
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
            Timings.timing("whole test", Timings.ms(testStart));
        }
    }

    /** Waits for {@code n} Ready nodes whose names start with {@code prefix}. */
    static void awaitReadyNodes(Api api, String prefix, int n, Duration timeout) {
        Poll.until(
                timeout,
                n + " Ready nodes " + prefix + "* (Ready condition by node)",
                () -> readiness(api, prefix),
                r -> r.values().stream().filter("True"::equals).count() == n);
    }

    /** The Ready condition's status of every node whose name starts with {@code prefix}, by name. */
    static Map<String, String> readiness(Api api, String prefix) {
        Map<String, String> r = new java.util.TreeMap<>();
        api.nodes().stream().filter(x -> Api.name(x).startsWith(prefix)).forEach(x -> r.put(Api.name(x), Api.ready(x)));
        return r;
    }

    /** Pods of {@code app} that are not being deleted. */
    static List<JsonNode> activePods(Api api, String app) {
        return api.pods("app%3D" + app).stream()
                .filter(p -> !Api.terminating(p))
                .toList();
    }

    /** e.g. {@code 500 pods: 20 unbound, 480 bound, 470 Running, 0 terminating} */
    static String summary(Api api, String app) {
        List<JsonNode> all = api.pods("app%3D" + app);
        long unbound = all.stream().filter(p -> Api.nodeName(p).isEmpty()).count();
        long terminating = all.stream().filter(Api::terminating).count();
        Map<String, Long> phases = new java.util.TreeMap<>(all.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        p -> Api.phase(p) + (Api.nodeName(p).isEmpty() ? "" : "/bound"),
                        java.util.stream.Collectors.counting())));
        return all.size() + " pods of " + app + ": " + unbound + " unbound, " + terminating + " terminating, by phase "
                + phases;
    }

    /** Waits until exactly {@code n} active pods of {@code app} are Running, logging progress every 10 s. */
    static void awaitRunning(Api api, String app, int n, Duration timeout) {
        long[] lastLog = {System.nanoTime()};
        try {
            Poll.until(timeout, n + " pods of " + app + " Running", () -> {
                if (System.nanoTime() - lastLog[0] > 10_000_000_000L) {
                    lastLog[0] = System.nanoTime();
                    Timings.log("progress: " + summary(api, app));
                }
                List<JsonNode> pods = activePods(api, app);
                return pods.size() == n && running(pods) == n;
            });
        } catch (AssertionError e) {
            String s;
            try {
                s = summary(api, app);
            } catch (RuntimeException x) {
                s = "(cannot list: " + x.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "; state: " + s, e.getCause());
        }
    }

    static long running(List<JsonNode> pods) {
        return pods.stream().filter(p -> Api.phase(p).equals("Running")).count();
    }

    /** Reads the etcd pod history from {@code rev0} and asserts that no pod was bound more than once. */
    Map<String, EtcdHistory.Binding> assertEveryPodBoundAtMostOnce(long rev0) throws Exception {
        long t0 = System.nanoTime();
        List<EtcdHistory.PodEvent> events = EtcdHistory.pods(cluster.store(), rev0);
        Map<String, EtcdHistory.Binding> b = EtcdHistory.bindings(events);
        Timings.log("etcd pod history from revision " + rev0 + ": " + events.size() + " events, " + b.size()
                + " pods bound (read in " + Timings.ms(t0) + " ms)");
        assertThat(EtcdHistory.boundMoreThanOnce(b))
                .as("pods bound more than once (etcd history)")
                .isEmpty();
        return b;
    }
}
