package io.kubelite.apiserver.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.FakeKubelet;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/nodes/{name}/proxy/...} against a stand-in kubelet ({@link FakeKubelet}, the
 * paths kubelet-sim serves), over HTTP and through the real {@code kubectl get --raw}.
 */
@Timeout(60)
class NodeProxyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        kubelet = FakeKubelet.start();
        node("n1", kubelet.port());
        node("dead", FreePorts.next());
        assertThat(api.post("/api/v1/nodes", TestApiServer.node("no-address")).code())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (kubelet != null) {
            kubelet.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static void node(String name, int port) {
        assertThat(api.post("/api/v1/nodes", TestApiServer.node(name)).code()).isEqualTo(201);
        Resp st = api.patch(
                "/api/v1/nodes/" + name + "/status",
                "application/merge-patch+json",
                "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
                        + "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + port + "}}}}");
        assertThat(st.code()).as(st.body()).isEqualTo(200);
    }

    @Test
    void healthzAndLogsReachTheKubeletAndItsAnswersComeBackAsTheyAre() {
        Resp h = api.get("/api/v1/nodes/n1/proxy/healthz");
        assertThat(h.code()).isEqualTo(200);
        assertThat(h.body()).isEqualTo("ok");
        kubelet.log("default", "web", "c", "one", "two");
        Resp logs = api.get("/api/v1/nodes/n1/proxy/containerLogs/default/web/c?tailLines=1");
        assertThat(logs.code()).isEqualTo(200);
        assertThat(logs.body()).isEqualTo("two\n");
        assertThat(kubelet.requests()).contains("/containerLogs/default/web/c?tailLines=1");
        Resp missing = api.get("/api/v1/nodes/n1/proxy/no/such/path");
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("404 page not found\n");
    }

    @Test
    void aMissingNodeIs404AnUnreachableKubelet503AndANodeWithoutAddress500() {
        Resp gone = api.get("/api/v1/nodes/nope/proxy/healthz");
        assertThat(gone.code()).isEqualTo(404);
        assertThat(gone.json().path("message").asText()).isEqualTo("nodes \"nope\" not found");
        Resp dead = api.get("/api/v1/nodes/dead/proxy/healthz");
        assertThat(dead.code()).isEqualTo(503);
        assertThat(dead.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(dead.json().path("message").asText()).startsWith("error trying to reach service: ");
        Resp none = api.get("/api/v1/nodes/no-address/proxy/healthz");
        assertThat(none.code()).isEqualTo(500);
        assertThat(none.json().path("message").asText()).isEqualTo("no preferred addresses found; known addresses: []");
    }

    @Test
    void kubectlGetRawThroughTheProxy() throws Exception {
        Kubectl kubectl = Kubectl.find(dir, api.url(), null, null);
        assertThat(kubectl.run("get", "--raw", "/api/v1/nodes/n1/proxy/healthz").ok())
                .isEqualTo("ok");
    }
}
