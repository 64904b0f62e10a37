package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeSystemInfo;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.FakeKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** kl against a real API server: golden get/describe output, apply of documentation manifests, errors, exit codes. */
class KlTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    record Result(int code, String out, String err) {}

    static Result kl(String... args) {
        return kl(new ByteArrayOutputStream(), args);
    }

    /** Runs kl with its stdout going to {@code out} (which a test may read while kl runs). */
    static Result kl(ByteArrayOutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--server=" + api.url();
        full[1] = "--kubeconfig=/nonexistent-is-not-read-when-server-given";
        System.arraycopy(args, 0, full, 2, args.length);
        // --kubeconfig is only read when needed; --server given means the file is not consulted for the server
        String[] effective = java.util.Arrays.copyOfRange(full, 0, full.length);
        effective[1] = "--token=";
        int code = Kl.run(
                effective,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HOME", "/nonexistent"),
                CLOCK);
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

    static String golden(String name) throws Exception {
        return new String(KlTest.class.getResourceAsStream("/golden/" + name).readAllBytes(), StandardCharsets.UTF_8);
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
    }

    @Test
    void goldenGetAndDescribe() throws Exception {
        var nodes = api.store().of(NodeKind.RESOURCE);
        nodes.create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("node-1")
                                .putLabels("node-role.kubernetes.io/control-plane", "")
                                .setCreationTimestamp(ts(NOW.minusSeconds(3 * 86400 + 3600))))
                        .setStatus(io.kubelite.api.NodeStatus.newBuilder()
                                .addConditions(NodeCondition.newBuilder()
                                        .setType("Ready")
                                        .setStatus("True")
                                        .setReason("KubeletReady"))
                                .addAddresses(NodeAddress.newBuilder()
                                        .setType("InternalIP")
                                        .setAddress("127.0.0.1"))
                                .setNodeInfo(NodeSystemInfo.newBuilder()
                                        .setKubeletVersion("v1.31.0-kubelite")
                                        .setOsImage("kubelite-sim")
                                        .setKernelVersion("6.1")
                                        .setContainerRuntimeVersion("sim://1.0")))
                        .build())
                .join();
        nodes.create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("node-2")
                                .setCreationTimestamp(ts(NOW.minusSeconds(125))))
                        .setSpec(io.kubelite.api.NodeSpec.newBuilder().setUnschedulable(true))
                        .build())
                .join();
        var pods = api.store().of(PodKind.RESOURCE);
        pods.create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("web-7f9c")
                                .setNamespace("default")
                                .putLabels("app", "web")
                                .setCreationTimestamp(ts(NOW.minusSeconds(5 * 3600 + 7 * 60))))
                        .setSpec(io.kubelite.api.PodSpec.newBuilder()
                                .setNodeName("node-1")
                                .setServiceAccountName("default")
                                .addContainers(io.kubelite.api.Container.newBuilder()
                                        .setName("web")
                                        .setImage("nginx:1.25")))
                        .setStatus(io.kubelite.api.PodStatus.newBuilder()
                                .setPhase("Running")
                                .setPodIp("10.244.1.7")
                                .setQosClass("BestEffort")
                                .addConditions(io.kubelite.api.PodCondition.newBuilder()
                                        .setType("Ready")
                                        .setStatus("True"))
                                .addContainerStatuses(ContainerStatus.newBuilder()
                                        .setName("web")
                                        .setReady(true)
                                        .setRestartCount(0)
                                        .setState(ContainerState.newBuilder()
                                                .setRunning(ContainerStateRunning.newBuilder()
                                                        .setStartedAt(ts(NOW.minusSeconds(5 * 3600)))))))
                        .build())
                .join();
        pods.create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("pending-1")
                                .setNamespace("default")
                                .setCreationTimestamp(ts(NOW.minusSeconds(42))))
                        .setSpec(io.kubelite.api.PodSpec.newBuilder()
                                .addContainers(io.kubelite.api.Container.newBuilder()
                                        .setName("a")
                                        .setImage("busybox"))
                                .addContainers(io.kubelite.api.Container.newBuilder()
                                        .setName("b")
                                        .setImage("busybox")))
                        .setStatus(io.kubelite.api.PodStatus.newBuilder().setPhase("Pending"))
                        .build())
                .join();

        check("get-pods.txt", kl("get", "pods"));
        check("get-pods-wide.txt", kl("get", "pods", "-o", "wide"));
        check("get-pods-all.txt", kl("get", "po", "-A"));
        check("get-nodes.txt", kl("get", "nodes"));
        check("get-nodes-wide.txt", kl("get", "nodes", "-o", "wide"));
        check("describe-pod.txt", kl("describe", "pod", "web-7f9c"));
        check("describe-node.txt", kl("describe", "node", "node-1"));
        assertThat(kl("get", "pods", "-o", "name").out()).isEqualTo("pod/pending-1\npod/web-7f9c\n");
        assertThat(kl("get", "pod", "web-7f9c", "-o", "yaml").out())
                .startsWith("apiVersion: v1\nkind: Pod\nmetadata:\n");
        assertThat(kl("get", "pod/web-7f9c", "-o", "json").out()).contains("    \"kind\": \"Pod\"");
    }

    private static void check(String golden, Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        Path actual = Path.of("target", "golden-actual", golden);
        Files.createDirectories(actual.getParent());
        Files.writeString(actual, r.out());
        assertThat(r.out())
                .as("output of " + golden + " (actual in " + actual + ")")
                .isEqualTo(golden(golden));
    }

    @Test
    void errorsAndExitCodes() {
        Result none = kl("get", "pods", "-n", "kube-public");
        assertThat(none.code()).isZero();
        assertThat(none.err()).isEqualTo("No resources found in kube-public namespace.\n");
        Result missing = kl("get", "pod", "x");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Error from server (NotFound): pods \"x\" not found\n");
        Result badType = kl("get", "widgets");
        assertThat(badType.code()).isEqualTo(1);
        assertThat(badType.err()).contains("doesn't have a resource type \"widgets\"");
        assertThat(kl("delete", "pod", "x", "--ignore-not-found").code()).isZero();
    }

    @Test
    void applyManifestsThenMutate(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("app.yaml");
        Files.write(f, KlTest.class.getResourceAsStream("/manifests/app.yaml").readAllBytes());
        Result first = kl("apply", "-f", f.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .isEqualTo("namespace/shop created\npod/nginx created\nservice/my-service created\n"
                        + "replicaset.apps/frontend created\n");
        Result again = kl("apply", "-f", dir.toString());
        assertThat(again.out())
                .isEqualTo("namespace/shop unchanged\npod/nginx unchanged\nservice/my-service unchanged\n"
                        + "replicaset.apps/frontend unchanged\n");
        Files.writeString(f, Files.readString(f).replace("replicas: 3", "replicas: 5"));
        assertThat(kl("apply", "-f", f.toString()).out()).contains("replicaset.apps/frontend configured");
        assertThat(kl("get", "rs", "-n", "shop").out()).contains("frontend   5");
        assertThat(kl("scale", "rs", "frontend", "-n", "shop", "--replicas=2").out())
                .isEqualTo("replicaset.apps/frontend scaled\n");
        Result lab = kl("label", "pod", "nginx", "-n", "shop", "tier=web");
        assertThat(lab.out()).as(lab.err()).isEqualTo("pod/nginx labeled\n");
        Result over = kl("label", "pod", "nginx", "-n", "shop", "tier=db");
        assertThat(over.code()).isEqualTo(1);
        assertThat(over.err()).isEqualTo("error: 'tier' already has a value (web), and --overwrite is false\n");
        assertThat(kl("annotate", "pod/nginx", "-n", "shop", "note=hi").out()).isEqualTo("pod/nginx annotated\n");
        assertThat(kl("get", "pods", "-n", "shop", "-l", "tier=web", "-o", "name")
                        .out())
                .isEqualTo("pod/nginx\n");

        api.post("/api/v1/nodes", TestApiServer.node("worker"));
        assertThat(kl("taint", "nodes", "worker", "dedicated=gpu:NoSchedule").out())
                .isEqualTo("node/worker tainted\n");
        assertThat(api.get("/api/v1/nodes/worker")
                        .json()
                        .path("spec")
                        .path("taints")
                        .toString())
                .contains("dedicated");
        assertThat(kl("taint", "nodes", "worker", "dedicated:NoSchedule-").out())
                .isEqualTo("node/worker untainted\n");
        assertThat(kl("cordon", "worker").out()).isEqualTo("node/worker cordoned\n");
        assertThat(kl("get", "nodes", "worker").out()).contains("Unknown,SchedulingDisabled");
        assertThat(kl("uncordon", "worker").out()).isEqualTo("node/worker uncordoned\n");
        assertThat(kl("delete", "pod", "nginx", "-n", "shop", "--grace-period=0", "--force")
                        .out())
                .isEqualTo("pod \"nginx\" force deleted\n");
        // the namespace goes first in the file; its content goes with it (later documents may be NotFound, as with
        // kubectl)
        assertThat(kl("delete", "-f", f.toString(), "--ignore-not-found").out())
                .startsWith("namespace \"shop\" deleted\n");
        io.kubelite.store.testing.Poll.until(
                java.time.Duration.ofSeconds(10),
                "namespace purged",
                () -> kl("get", "rs", "frontend", "-n", "shop").code() == 1);
    }

    @Test
    @Timeout(60)
    void logsThroughTheApiServer() throws Exception {
        try (FakeKubelet kubelet = FakeKubelet.start()) {
            assertThat(api.post("/api/v1/nodes", TestApiServer.node("log-node")).code())
                    .isEqualTo(201);
            assertThat(api.patch(
                                    "/api/v1/nodes/log-node/status",
                                    "application/merge-patch+json",
                                    "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
                                            + "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + kubelet.port()
                                            + "}}}}")
                            .code())
                    .isEqualTo(200);
            assertThat(api.post(
                                    "/api/v1/namespaces/default/pods",
                                    TestApiServer.pod("logger", ",\"nodeName\":\"log-node\""))
                            .code())
                    .isEqualTo(201);
            kubelet.log("default", "logger", "c", "a", "b", "c");
            kubelet.previous("default", "logger", "c", "old");

            assertThat(kl("logs", "logger").out()).isEqualTo("a\nb\nc\n");
            assertThat(kl("logs", "pod/logger", "-c", "c", "--tail", "1").out()).isEqualTo("c\n");
            assertThat(kl("logs", "logger", "--previous").out()).isEqualTo("old\n");
            Result bad = kl("logs", "logger", "-c", "nosuch");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err())
                    .isEqualTo("Error from server (BadRequest): container nosuch is not valid for pod logger\n");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CompletableFuture<Result> follow = CompletableFuture.supplyAsync(() -> kl(out, "logs", "-f", "logger"));
            io.kubelite.store.testing.Poll.until(
                    java.time.Duration.ofSeconds(10),
                    "followed output",
                    () -> out.toString(StandardCharsets.UTF_8).equals("a\nb\nc\n"));
            kubelet.log("default", "logger", "c", "d");
            io.kubelite.store.testing.Poll.until(
                    java.time.Duration.ofSeconds(10),
                    "a line appended later",
                    () -> out.toString(StandardCharsets.UTF_8).equals("a\nb\nc\nd\n"));
            assertThat(follow).isNotDone();
            kubelet.close(); // the container's log ends: kl -f returns
            assertThat(follow.get(10, TimeUnit.SECONDS).code()).isZero();
        }
    }

    @Test
    void deleteCascadeChoosesThePropagationPolicy() {
        String rs = "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"%s\"},\"spec\":{"
                + "\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"%s\"}},\"template\":{\"metadata\":"
                + "{\"labels\":{\"app\":\"%s\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
        String uid = api.post("/apis/apps/v1/namespaces/default/replicasets", rs.formatted("casc", "casc", "casc"))
                .json()
                .path("metadata")
                .path("uid")
                .asText();
        api.post(
                "/api/v1/namespaces/default/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
                        + "\"name\":\"casc-1\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                        + "\"name\":\"casc\",\"uid\":\"" + uid + "\",\"controller\":true}]},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");

        Result bad = kl("delete", "rs", "casc", "--cascade=sometimes");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err())
                .isEqualTo(
                        "error: invalid cascade value (sometimes). Must be \"background\", \"foreground\", or \"orphan\".\n");
        assertThat(api.get("/apis/apps/v1/namespaces/default/replicasets/casc").code())
                .isEqualTo(200);

        // foreground: the owner stays, terminating, until the garbage collector (not running here) is done
        Result fg = kl("delete", "rs", "casc", "--cascade=foreground");
        assertThat(fg.out()).as(fg.err()).isEqualTo("replicaset.apps \"casc\" deleted\n");
        TestApiServer.Resp owner = api.get("/apis/apps/v1/namespaces/default/replicasets/casc");
        assertThat(owner.json().path("metadata").path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
        assertThat(owner.json().path("metadata").path("deletionTimestamp").asText())
                .isNotEmpty();

        // orphan: dependents lose their reference to the owner
        api.post("/apis/apps/v1/namespaces/default/replicasets", rs.formatted("orph", "orph", "orph"));
        String uid2 = api.get("/apis/apps/v1/namespaces/default/replicasets/orph")
                .json()
                .path("metadata")
                .path("uid")
                .asText();
        api.patch(
                "/api/v1/namespaces/default/pods/casc-1",
                "application/merge-patch+json",
                "{\"metadata\":{\"ownerReferences\":"
                        + "[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"orph\",\"uid\":\"" + uid2
                        + "\",\"controller\":true}]}}");
        io.kubelite.store.testing.Poll.until(
                java.time.Duration.ofSeconds(10),
                "pod cached with its new owner",
                () -> api.get("/api/v1/namespaces/default/pods?resourceVersion=0")
                        .body()
                        .contains(uid2));
        Result orphan = kl("delete", "rs/orph", "--cascade=orphan");
        assertThat(orphan.out()).as(orphan.err()).isEqualTo("replicaset.apps \"orph\" deleted\n");
        assertThat(api.get("/apis/apps/v1/namespaces/default/replicasets/orph").code())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/namespaces/default/pods/casc-1")
                        .json()
                        .path("metadata")
                        .has("ownerReferences"))
                .isFalse();
    }
}
