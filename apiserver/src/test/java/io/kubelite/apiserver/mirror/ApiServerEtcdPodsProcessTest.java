package io.kubelite.apiserver.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerMain;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubelite apiserver} as real processes: each replica publishes the etcd member's
 * mirror pod, one replica writes it, a killed replica's pod passes to the other when its
 * lease ends, the last replica's stop takes it away; {@code pods/log} of it is a clear 400.
 */
@Timeout(240)
class ApiServerEtcdPodsProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The replicas' output: kept (and named in the failing poll's message) only when a test fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path logs;

    private record Replica(Process process, int port) {}

    private static Replica launch(String prefix, String id, Path log) throws Exception {
        int port = FreePorts.next();
        List<String> args = List.of(
                "--etcd-endpoints=" + ETCD.cluster().endpointsString(),
                "--etcd-prefix=" + prefix,
                "--id=" + id,
                "--secure-port=" + port,
                "--insecure-http",
                "--anonymous-auth",
                // about mirror pods, not authorization: anonymous requests may do everything
                "--authorization-mode=AlwaysAllow",
                "--etcd-compaction-interval=0",
                "--health-port=0",
                "--mirror-pod-lease-duration=3s");
        ProcessBuilder pb = ChildJvm.builder(List.of("-Xmx256m"), ApiServerMain.class, args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("ETCD_ENDPOINTS");
        return new Replica(pb.start(), port);
    }

    private static KeyValue read(Etcd etcd, String key) {
        try {
            var kvs = etcd.client()
                    .getKVClient()
                    .get(Etcd.bytes(key))
                    .get(10, TimeUnit.SECONDS)
                    .getKvs();
            return kvs.isEmpty() ? null : kvs.get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ready(KeyValue kv) {
        Pod p = ObjectCodec.decode(
                PodKind.RESOURCE, kv.getKey().toString(), kv.getValue().getBytes(), kv.getModRevision());
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getStatus())
                .findFirst()
                .orElse("none");
    }

    private static void stop(Process p, boolean kill) throws InterruptedException {
        if (kill) {
            p.destroyForcibly();
        } else {
            p.destroy(); // SIGTERM: an orderly stop
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("replica exited").isTrue();
    }

    @Test
    void replicasHandTheEtcdPodOverAndTheLastOneTakesItAway() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        String member = etcd.client()
                .getClusterClient()
                .listMember()
                .get(10, TimeUnit.SECONDS)
                .getMembers()
                .get(0)
                .getName();
        String pod = "etcd-" + MirrorPods.nameSegment(member);
        String key = prefix + "/pods/kube-system/" + pod;
        Path log = logs.resolve("replicas.log");
        Replica a = null;
        Replica b = null;
        try {
            a = launch(prefix, "replica-a", log);
            KeyValue byA = Poll.until(
                    WAIT,
                    pod + " published Ready by replica A (log " + log + ")",
                    () -> read(etcd, key),
                    kv -> kv != null && ready(kv).equals("True"));
            assertThat(byA.getLease()).isNotZero();

            b = launch(prefix, "replica-b", log);
            Poll.until(
                    WAIT,
                    "replica B's own mirror pod",
                    () -> read(etcd, prefix + "/pods/kube-system/kube-apiserver-replica-b"),
                    kv -> kv != null);
            Poll.holds(
                    Duration.ofSeconds(2),
                    "B leaves A's etcd pod alone: no write",
                    () -> assertThat(read(etcd, key).getModRevision()).isEqualTo(byA.getModRevision()));

            // kubectl logs: a clear 400, not a connection error
            HttpResponse<String> logs = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port()
                                            + "/api/v1/namespaces/kube-system/pods/" + pod + "/log"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(logs.statusCode()).as(logs.body()).isEqualTo(400);
            JsonNode status = JSON.readTree(logs.body());
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("message").asText()).startsWith("etcd's log is not served by kubelite: pod " + pod);

            // A dies without cleaning up: its lease ends within 3 s and B publishes the pod
            stop(a.process(), true);
            KeyValue byB = Poll.until(
                    WAIT,
                    pod + " published by B once A's lease ended",
                    () -> read(etcd, key),
                    kv -> kv != null
                            && kv.getLease() != byA.getLease()
                            && ready(kv).equals("True"));
            assertThat(byB.getLease()).isNotZero();

            // the last replica dies too: nothing renews the lease, etcd deletes the pod
            stop(b.process(), true);
            Poll.until(WAIT, pod + " gone once B's lease ended", () -> read(etcd, key), kv -> kv == null);
        } finally {
            for (Replica r : new Replica[] {a, b}) {
                if (r != null && r.process().isAlive()) {
                    stop(r.process(), true);
                }
            }
        }
    }

    @Test
    void anOrderlyStopDeletesTheEtcdPodAtOnce() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        String keys = prefix + "/pods/kube-system/etcd-";
        Path log = logs.resolve("replicas.log");
        Replica a = launch(prefix, "replica-c", log);
        try {
            Poll.until(WAIT, "an etcd pod published (log " + log + ")", () -> etcdPods(etcd, keys), n -> n == 1);
        } finally {
            stop(a.process(), false);
        }
        assertThat(a.process().exitValue()).isZero();
        assertThat(etcdPods(etcd, keys))
                .as("deleted by the stop, not left to the lease")
                .isZero();
    }

    private static long etcdPods(Etcd etcd, String keyPrefix) {
        try {
            return etcd.client()
                    .getKVClient()
                    .get(
                            Etcd.bytes(keyPrefix),
                            GetOption.builder()
                                    .isPrefix(true)
                                    .withCountOnly(true)
                                    .build())
                    .get(10, TimeUnit.SECONDS)
                    .getCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
