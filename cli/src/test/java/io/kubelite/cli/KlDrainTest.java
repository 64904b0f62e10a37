package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kl drain} against a real API server, with kubectl's filters and messages: DaemonSet pods
 * refuse the drain unless {@code --ignore-daemonsets} (then they stay, named in a warning), pods
 * no controller owns need {@code --force}. No controller or kubelet runs; each test has its own
 * node.
 */
class KlDrainTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;

    record Result(int code, String out, String err) {}

    static Result kl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--server=" + api.url();
        full[1] = "--token=";
        System.arraycopy(args, 0, full, 2, args.length);
        int code = Kl.run(
                full,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HOME", "/nonexistent"),
                java.time.Clock.systemUTC());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static void node(String name) {
        var r = api.post(
                "/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\"}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    static String daemonSet(String ns, String name) {
        var r = api.post(
                "/apis/apps/v1/namespaces/" + ns + "/daemonsets",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"" + name + "\"},"
                        + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"template\":"
                        + "{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":"
                        + "[{\"name\":\"c\",\"image\":\"agent:1\"}]}}}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        return r.json().path("metadata").path("uid").asText();
    }

    /** A running pod bound to {@code node}, controlled by {@code ownerKind/ownerName} (none when null). */
    static void pod(String ns, String name, String node, String ownerKind, String ownerName, String ownerUid) {
        String owner = ownerKind == null
                ? ""
                : ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"" + ownerKind + "\",\"name\":\""
                        + ownerName + "\",\"uid\":\"" + ownerUid + "\",\"controller\":true}]";
        var r = api.post(
                "/api/v1/namespaces/" + ns + "/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"" + owner + "},"
                        + "\"spec\":{\"nodeName\":\"" + node
                        + "\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    static boolean live(String ns, String name) {
        var r = api.get("/api/v1/namespaces/" + ns + "/pods/" + name);
        return r.code() == 200 && !r.json().path("metadata").has("deletionTimestamp");
    }

    @Test
    void daemonSetPodsRefuseTheDrainUnlessIgnored() {
        node("d1");
        String uid = daemonSet("kube-system", "agent");
        pod("kube-system", "agent-x", "d1", "DaemonSet", "agent", uid);
        pod("default", "web-1", "d1", "ReplicaSet", "web", "rs-uid");

        Result refused = kl("drain", "d1");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).isEqualTo("node/d1 cordoned\n");
        String cannot = "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/agent-x";
        assertThat(refused.err())
                .isEqualTo("error: unable to drain node \"d1\" due to error: " + cannot + ", continuing command...\n"
                        + "There are pending nodes to be drained:\n d1\n"
                        + "error: " + cannot + "\n");
        assertThat(live("default", "web-1")).as("nothing deleted").isTrue();

        Result drained = kl("drain", "d1", "--ignore-daemonsets", "--grace-period=0");
        assertThat(drained.code()).as(drained.err()).isZero();
        assertThat(drained.out())
                .isEqualTo(
                        "node/d1 already cordoned\nevicting pod default/web-1\npod/web-1 evicted\nnode/d1 drained\n");
        assertThat(drained.err()).isEqualTo("Warning: ignoring DaemonSet-managed Pods: kube-system/agent-x\n");
        assertThat(live("default", "web-1")).isFalse();
        assertThat(live("kube-system", "agent-x"))
                .as("the DaemonSet's pod stays")
                .isTrue();
    }

    @Test
    void unmanagedAndOrphanedDaemonPodsNeedForce() {
        node("d2");
        pod("default", "bare", "d2", null, null, null);
        pod("default", "orphan", "d2", "DaemonSet", "gone", "gone-uid");

        Result refused = kl("drain", "d2", "--ignore-daemonsets");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err())
                .contains("error: unable to drain node \"d2\" due to error: [")
                .contains("cannot delete cannot delete Pods that declare no controller (use --force to override):"
                        + " default/bare")
                .contains("cannot delete daemonsets.apps \"gone\" not found: default/orphan")
                .contains("There are pending nodes to be drained:\n d2\n");
        assertThat(live("default", "bare")).isTrue();

        Result forced = kl("drain", "d2", "--ignore-daemonsets", "--force", "--grace-period=0");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out())
                .contains("pod/bare evicted\n", "pod/orphan evicted\n")
                .endsWith("node/d2 drained\n");
        // the orphan's warning is dropped: as in kubectl, only the last filter's verdict is kept, and
        // the later filters pass a pod that has a controller
        assertThat(forced.err()).isEqualTo("Warning: deleting Pods that declare no controller: default/bare\n");
        assertThat(live("default", "bare")).isFalse();
    }
}
