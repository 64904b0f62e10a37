package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.FakeKubelet;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code pods/x/log} proxied to a stand-in kubelet on loopback: tail, previous, follow, and the errors. */
@Timeout(120)
class LogProxyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        kubelet = FakeKubelet.start();
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

    /** A node whose status points at {@code port} on 127.0.0.1, and pod {@code pod} (containers c, d) bound to it. */
    static void nodeAndPod(TestApiServer api, String node, int port, String pod) {
        assertThat(api.post("/api/v1/nodes", TestApiServer.node(node)).code()).isEqualTo(201);
        Resp st = api.patch(
                "/api/v1/nodes/" + node + "/status",
                "application/merge-patch+json",
                "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
                        + "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + port + "}}}}");
        assertThat(st.code()).as(st.body()).isEqualTo(200);
        Resp p = api.post(
                "/api/v1/namespaces/default/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                        + "{\"name\":\"" + pod + "\"},\"spec\":{\"nodeName\":\"" + node + "\",\"containers\":["
                        + "{\"name\":\"c\",\"image\":\"nginx\"},{\"name\":\"d\",\"image\":\"busybox\"}]}}");
        assertThat(p.code()).as(p.body()).isEqualTo(201);
    }

    @Test
    void tailPreviousAndErrors() {
        nodeAndPod(api, "n1", kubelet.port(), "x");
        kubelet.log("default", "x", "c", "one", "two", "three");
        kubelet.previous("default", "x", "c", "before the crash");

        Resp tail = api.get("/api/v1/namespaces/default/pods/x/log?container=c&tailLines=2");
        assertThat(tail.code()).as(tail.body()).isEqualTo(200);
        assertThat(tail.body()).isEqualTo("two\nthree\n");
        assertThat(tail.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(kubelet.requests()).last().isEqualTo("/containerLogs/default/x/c?tailLines=2");

        assertThat(api.get("/api/v1/namespaces/default/pods/x/log?container=c").body())
                .isEqualTo("one\ntwo\nthree\n");
        assertThat(api.get("/api/v1/namespaces/default/pods/x/log?container=c&previous=true")
                        .body())
                .isEqualTo("before the crash\n");

        // no previous instance: the kubelet's 400 comes back as a Status
        Resp noPrev = api.get("/api/v1/namespaces/default/pods/x/log?container=d&previous=true");
        assertThat(noPrev.code()).isEqualTo(400);
        assertThat(noPrev.json().path("kind").asText()).isEqualTo("Status");
        assertThat(noPrev.json().path("message").asText())
                .isEqualTo("previous terminated container \"d\" in pod \"x\" not found");

        // no such container: rejected by the API server itself, as kube does
        int before = kubelet.requests().size();
        Resp bad = api.get("/api/v1/namespaces/default/pods/x/log?container=nosuch");
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.json().path("reason").asText()).isEqualTo("BadRequest");
        assertThat(bad.json().path("message").asText()).isEqualTo("container nosuch is not valid for pod x");
        Resp which = api.get("/api/v1/namespaces/default/pods/x/log");
        assertThat(which.code()).isEqualTo(400);
        assertThat(which.json().path("message").asText())
                .isEqualTo("a container name must be specified for pod x, choose one of: [c d]");
        assertThat(kubelet.requests()).hasSize(before);

        Resp noPod = api.get("/api/v1/namespaces/default/pods/nosuch/log");
        assertThat(noPod.code()).isEqualTo(404);
        assertThat(noPod.json().path("message").asText()).isEqualTo("pods \"nosuch\" not found");
    }

    @Test
    void nodeGoneOrKubeletDown() throws Exception {
        nodeAndPod(api, "n2", kubelet.port(), "y");
        kubelet.log("default", "y", "c", "hello");
        assertThat(api.get("/api/v1/namespaces/default/pods/y/log?container=c").body())
                .isEqualTo("hello\n");
        // the node object is gone
        assertThat(api.delete("/api/v1/nodes/n2", null).code()).isEqualTo(200);
        Resp gone = api.get("/api/v1/namespaces/default/pods/y/log?container=c");
        assertThat(gone.code()).isEqualTo(404);
        assertThat(gone.json().path("kind").asText()).isEqualTo("Status");
        assertThat(gone.json().path("message").asText()).isEqualTo("nodes \"n2\" not found");

        // the node is there but nobody listens on its kubelet port
        int deadPort;
        try (FakeKubelet k = FakeKubelet.start()) {
            deadPort = k.port();
        }
        nodeAndPod(api, "n3", deadPort, "z");
        Resp down = api.get("/api/v1/namespaces/default/pods/z/log?container=c");
        assertThat(down.code()).isEqualTo(500);
        assertThat(down.json().path("reason").asText()).isEqualTo("InternalError");
        assertThat(down.json().path("message").asText()).contains("127.0.0.1:" + deadPort);

        // an unscheduled pod has no logs yet
        api.post("/api/v1/namespaces/default/pods", TestApiServer.pod("unbound", ""));
        Resp unbound = api.get("/api/v1/namespaces/default/pods/unbound/log");
        assertThat(unbound.code()).isEqualTo(400);
        assertThat(unbound.json().path("message").asText()).contains("unbound", "not scheduled");
    }

    @Test
    void anEtcdMembersMirrorPodHasNoLogToServe() {
        // as EtcdMemberMirrorPods publishes it: a mirror pod without the log-port annotation
        Resp p = api.post(
                "/api/v1/namespaces/kube-system/pods",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"etcd-m0\","
                        + "\"labels\":{\"component\":\"etcd\",\"tier\":\"control-plane\"},"
                        + "\"annotations\":{\"kubernetes.io/config.mirror\":\"x\"}},"
                        + "\"spec\":{\"nodeName\":\"somehost\",\"hostNetwork\":true,"
                        + "\"containers\":[{\"name\":\"etcd\",\"image\":\"registry.k8s.io/etcd:3.4.23\"}]},"
                        + "\"status\":{\"podIP\":\"127.0.0.1\"}}");
        assertThat(p.code()).as(p.body()).isEqualTo(201);
        for (String query : new String[] {"", "?follow=true", "?previous=true", "?container=etcd&tailLines=5"}) {
            Resp log = api.get("/api/v1/namespaces/kube-system/pods/etcd-m0/log" + query);
            assertThat(log.code()).as(query + ": " + log.body()).isEqualTo(400);
            assertThat(log.json().path("kind").asText()).isEqualTo("Status");
            assertThat(log.json().path("reason").asText()).isEqualTo("BadRequest");
            assertThat(log.json().path("message").asText())
                    .isEqualTo("etcd's log is not served by kubelite: pod etcd-m0 shows an etcd member, not a"
                            + " kubelite process; read the log where that etcd process writes it"
                            + " (kubelite up: .kubelite/logs/etcd.log)");
        }
    }

    @Test
    void followStreamsUntilTheClientHangsUp() throws Exception {
        nodeAndPod(api, "n4", kubelet.port(), "f");
        kubelet.log("default", "f", "c", "first");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> resp = http.send(
                HttpRequest.newBuilder(
                                URI.create(api.url() + "/api/v1/namespaces/default/pods/f/log?container=c&follow=true"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(100);
        InputStream in = resp.body();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = br.readLine()) != null) {
                            lines.add(l);
                        }
                    } catch (Exception ignored) {
                        // closed
                    }
                    lines.add("<EOF>");
                },
                "log-follow-reader");
        reader.setDaemon(true);
        reader.start();
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
        kubelet.log("default", "f", "c", "second");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("second");
        kubelet.log("default", "f", "c", "third", "fourth");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("third");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("fourth");
        assertThat(kubelet.followers()).isEqualTo(1);
        // the client hangs up: the API server drops its kubelet connection too
        in.close();
        Poll.until(Duration.ofSeconds(10), "kubelet follower gone", () -> {
            kubelet.log("default", "f", "c", "tick");
            return kubelet.followers() == 0;
        });
    }
}
