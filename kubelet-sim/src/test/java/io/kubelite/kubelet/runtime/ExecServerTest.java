package io.kubelite.kubelet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.store.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kubelet-sim's exec and attach endpoints spoken to directly, frame by frame, as the API server's proxy does. */
class ExecServerTest {
    private final ScheduledTimers timers = new ScheduledTimers("exec-test", 1);
    private final ContainerLogStore logs = new ContainerLogStore(timers::nowMillis);
    private final RunningContainers containers = new RunningContainers();
    private final ContainerRuntime runtime = new ContainerRuntime(timers, new TimeScale(1), logs, containers);
    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client = vertx.createWebSocketClient();
    private LogServer server;

    @BeforeEach
    void start() throws Exception {
        server = new LogServer("127.0.0.1", 0, logs, containers);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        vertx.close();
        timers.close();
    }

    private SimContainer run(String pod, Container.Builder spec) {
        SimContainer c = runtime.create(
                new ContainerRuntime.PodRef("default", pod, "uid-" + pod, pod),
                spec.build(),
                false,
                Behaviour.DEFAULT,
                null,
                0);
        c.start(0, (x, code) -> {});
        return c;
    }

    /** One client session: every message by channel, the close code. */
    private static final class Session {
        final WebSocket ws;
        final ByteArrayOutputStream[] channels = new ByteArrayOutputStream[5];
        final CompletableFuture<Short> closed = new CompletableFuture<>();

        Session(WebSocket ws) {
            this.ws = ws;
            for (int i = 0; i < channels.length; i++) {
                channels[i] = new ByteArrayOutputStream();
            }
            ws.binaryMessageHandler(m -> {
                synchronized (this) {
                    byte[] b = m.getBytes();
                    channels[b[0]].write(b, 1, b.length - 1);
                }
            });
            ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
        }

        synchronized String channel(int i) {
            return channels[i].toString(StandardCharsets.UTF_8);
        }

        void send(int channel, String data) {
            ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) channel).appendString(data));
        }

        short awaitClose() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }
    }

    private Session connect(String uri, String... protocols) throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(server.port())
                .setURI(uri)
                .setSubProtocols(List.of(protocols.length == 0 ? new String[] {"v5.channel.k8s.io"} : protocols));
        // connected from an event loop, as the API server's proxy connects; the handlers are set
        // in the connect callback, on that loop, before the socket can deliver (or close: a quick
        // command's server may close it at once)
        CompletableFuture<Session> f = new CompletableFuture<>();
        vertx.runOnContext(v -> client.connect(o).onComplete(ar -> {
            if (ar.succeeded()) {
                f.complete(new Session(ar.result()));
            } else {
                f.completeExceptionally(ar.cause());
            }
        }));
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCommandsOutputAndExitCodeFollowTheKubeletsProtocol() throws Exception {
        run(
                "p",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .addCommand("sleep")
                        .addArgs("3600"));
        Session s = connect(
                "/exec/default/p/c?command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262%3B%20exit%203"
                        + "&stdout=true&stderr=true");
        assertThat(s.ws.subProtocol()).isEqualTo("v5.channel.k8s.io");
        assertThat(s.awaitClose()).isEqualTo((short) 1000);
        assertThat(s.channel(1)).isEqualTo("out\n");
        assertThat(s.channel(2)).isEqualTo("err\n");
        assertThat(s.channel(3))
                .isEqualTo(
                        "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit"
                                + " code: error executing command [sh, -c, echo out; echo err >&2; exit 3], exit code 3\","
                                + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");

        Session ok = connect("/exec/default/p/c?command=true&stdout=true", "v4.channel.k8s.io");
        assertThat(ok.ws.subProtocol()).isEqualTo("v4.channel.k8s.io");
        ok.awaitClose();
        assertThat(ok.channel(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    }

    @Test
    void aTerminalEchoesEditsAndPrompts() throws Exception {
        run(
                "t",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .addCommand("sleep")
                        .addArgs("3600"));
        Session s = connect("/exec/default/t/c?command=sh&stdin=true&stdout=true&tty=true");
        Poll.until(
                Duration.ofSeconds(5),
                "first prompt, saw " + s.channel(1),
                () -> s.channel(1).equals("/ # "));
        s.send(0, "echo hx\u007fi\r");
        Poll.until(
                Duration.ofSeconds(5), "echo and output", () -> s.channel(1).equals("/ # echo hx\b \bi\r\nhi\r\n/ # "));
        s.send(4, "{\"Width\":80,\"Height\":24}");
        s.send(0, "exit 2\r");
        s.awaitClose();
        assertThat(s.channel(3)).contains("\"message\":\"2\"");
    }

    @Test
    void stdinEndsWithTheV5CloseSignal() throws Exception {
        run(
                "i",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .addCommand("sleep")
                        .addArgs("3600"));
        Session s = connect("/exec/default/i/c?command=cat&stdin=true&stdout=true");
        s.send(0, "abc\n");
        s.ws.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 255, 0}));
        s.awaitClose();
        assertThat(s.channel(1)).isEqualTo("abc\n");
        assertThat(s.channel(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    }

    @Test
    void theClientHangingUpEndsTheCommandAndTheSimulatorCarriesOn() throws Exception {
        SimContainer c = run(
                "h",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .addCommand("sleep")
                        .addArgs("3600"));
        Session s =
                connect("/exec/default/h/c?command=sh&command=-c&command=sleep+1000%3B+touch+/tmp/late&stdout=true");
        s.ws.close();
        Session after = connect("/exec/default/h/c?command=echo&command=alive&stdout=true");
        after.awaitClose();
        assertThat(after.channel(1)).isEqualTo("alive\n");
        assertThat(c.filesystem().exists("/tmp/late")).isFalse();
    }

    @Test
    void theContainerEndingEndsItsExecs() throws Exception {
        SimContainer c = run(
                "k",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .addCommand("sleep")
                        .addArgs("3600"));
        Session s = connect("/exec/default/k/c?command=sleep&command=1000&stdout=true");
        c.stop(0);
        s.awaitClose();
        assertThat(s.channel(3)).contains("\"reason\":\"NonZeroExitCode\"").contains("\"message\":\"137\"");
    }

    @Test
    void attachSeesNewOutputAndTypesIntoTheContainersStdin() throws Exception {
        SimContainer c = run(
                "a",
                Container.newBuilder()
                        .setName("c")
                        .setImage("busybox")
                        .setStdin(true)
                        .setTty(true));
        Session s = connect("/attach/default/a/c?stdin=true&stdout=true&tty=true");
        s.send(0, "echo $HOSTNAME\r");
        Poll.until(
                Duration.ofSeconds(5),
                "echo and output, saw " + s.channel(1),
                () -> s.channel(1).equals("echo $HOSTNAME\r\na\r\n/ # "));
        s.send(0, "exit 9\r");
        s.awaitClose();
        assertThat(c.isRunning()).isFalse();
        assertThat(s.channel(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    }

    @Test
    void badTargetsAreRefusedBeforeTheUpgradeWithTheKubeletsWords() throws Exception {
        SimContainer c =
                run("b", Container.newBuilder().setName("c").setImage("busybox").addCommand("true"));
        Poll.until(Duration.ofSeconds(5), "container exited", () -> !c.isRunning());
        assertRejected("/exec/default/nope/c?command=ls", 404, "pod does not exist");
        assertRejected("/exec/default/b/c?command=ls", 404, "container not found (\"c\")");
        assertRejected("/exec/default/b/other?command=ls", 404, "container not found (\"other\")");
        assertRejected("/exec/default/b/c", 400, "you must specify at least 1 command");
    }

    private void assertRejected(String uri, int status, String body) throws Exception {
        try {
            connect(uri);
            throw new AssertionError(uri + " was upgraded");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(UpgradeRejectedException.class);
            UpgradeRejectedException r = (UpgradeRejectedException) e.getCause();
            assertThat(r.getStatus()).as(uri).isEqualTo(status);
            assertThat(r.getBody().toString()).as(uri).isEqualTo(body);
        }
    }
}
