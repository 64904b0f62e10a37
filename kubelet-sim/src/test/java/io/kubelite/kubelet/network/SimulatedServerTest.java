package io.kubelite.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.runtime.Behaviour;
import io.kubelite.kubelet.runtime.ContainerLogStore;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.SimContainer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each recognised image's server answers, on which port; a request that is not HTTP gets a 400. */
class SimulatedServerTest {
    private final ScheduledTimers timers = new ScheduledTimers("server-test", 1);
    private final ContainerRuntime runtime =
            new ContainerRuntime(timers, new TimeScale(1), new ContainerLogStore(timers::nowMillis));

    @AfterEach
    void close() {
        timers.close();
    }

    private SimContainer running(Container.Builder spec, Map<String, String> annotations) {
        Container c = spec.build();
        SimContainer sc = runtime.create(
                new ContainerRuntime.PodRef("default", "pod-x", "uid", "pod-x"),
                c,
                false,
                Behaviour.of(annotations, c.getName()),
                null,
                0);
        sc.start(0, (x, code) -> {});
        return sc;
    }

    private static String ask(SimContainer c, String request) {
        SimulatedServer s = SimulatedServer.of(c.spec());
        return new String(
                s.answer(c, "pod-x", request.getBytes(StandardCharsets.US_ASCII), "10.244.0.9", 40000),
                StandardCharsets.UTF_8);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    @Test
    void agnhostNetexecAnswersItsEndpointsOnItsHttpPort() {
        SimContainer c = running(
                Container.newBuilder()
                        .setName("a")
                        .setImage("registry.k8s.io/e2e-test-images/agnhost:2.53")
                        .addArgs("netexec")
                        .addArgs("--http-port=8081"),
                Map.of());
        SimulatedServer s = SimulatedServer.of(c.spec());
        assertThat(s.listens(c, 8081)).isTrue();
        assertThat(s.listens(c, 8080)).isFalse();
        assertThat(ask(c, get("/hostname"))).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\npod-x");
        assertThat(ask(c, get("/echo?msg=hi%20there"))).endsWith("\r\n\r\nhi there");
        assertThat(ask(c, get("/clientip"))).endsWith("\r\n\r\n10.244.0.9:40000");
        assertThat(ask(c, get("/"))).contains("\r\n\r\nNOW: ");
        assertThat(ask(c, get("/nope"))).startsWith("HTTP/1.1 404 Not Found");
    }

    @Test
    void httpEchoAnswersItsTextAndStatusOn5678() {
        SimContainer c = running(
                Container.newBuilder()
                        .setName("e")
                        .setImage("hashicorp/http-echo:1.0")
                        .addArgs("-text")
                        .addArgs("hi")
                        .addArgs("-status-code=418"),
                Map.of());
        assertThat(SimulatedServer.of(c.spec()).listens(c, 5678)).isTrue();
        String r = ask(c, get("/anything"));
        assertThat(r)
                .startsWith("HTTP/1.1 418 ")
                .contains("Content-Length: 3\r\n", "Connection: close\r\n")
                .endsWith("\r\n\r\nhi\n");
    }

    @Test
    void serveHostnameImagesAnswerTheHostnameOn9376() {
        SimContainer c =
                running(Container.newBuilder().setName("s").setImage("registry.k8s.io/serve_hostname:v1.4"), Map.of());
        assertThat(SimulatedServer.of(c.spec()).listens(c, 9376)).isTrue();
        assertThat(ask(c, get("/"))).endsWith("\r\n\r\npod-x");
    }

    @Test
    void anyOtherImageAnswersItsHttpStatusWithThePodName() {
        SimContainer c = running(
                Container.newBuilder()
                        .setName("app")
                        .setImage("example.com/shop:1")
                        .addPorts(ContainerPort.newBuilder().setContainerPort(8000)),
                Map.of("sim.kubelite.io/http-status", "503"));
        SimulatedServer s = SimulatedServer.of(c.spec());
        assertThat(s.listens(c, 8000)).isTrue();
        assertThat(s.listens(c, 8001)).isFalse();
        assertThat(ask(c, get("/"))).startsWith("HTTP/1.1 503 ").endsWith("\r\n\r\npod-x\n");
        assertThat(ask(c, "\u0016\u0003\u0001 not http")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(ask(c, "")).isEmpty();
    }

    @Test
    void nginxServesItsSeededPagesAndHeadHasNoBody() {
        SimContainer c = running(Container.newBuilder().setName("n").setImage("nginx"), Map.of());
        SimulatedServer s = SimulatedServer.of(c.spec());
        s.seed(c.filesystem());
        assertThat(c.filesystem().read("/usr/share/nginx/html/50x.html")).contains("An error occurred.");
        assertThat(ask(c, get("/index.html")))
                .contains("Server: nginx/1.27.3\r\n", "Content-Type: text/html\r\n")
                .contains("Welcome to nginx!");
        assertThat(ask(c, "HEAD / HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK")
                .endsWith("\r\n\r\n");
        assertThat(ask(c, "POST / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405 Not Allowed");
        assertThat(ask(c, "garbage\r\n\r\n"))
                .startsWith("HTTP/1.1 400 Bad Request")
                .contains("<center>nginx/1.27.3</center>");
        c.kill();
        assertThat(s.listens(c, 80)).isFalse();
    }
}
