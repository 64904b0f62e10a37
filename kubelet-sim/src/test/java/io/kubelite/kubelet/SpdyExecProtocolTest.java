package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pods/exec} over SPDY/3.1 frame by frame, through a real API server to a real
 * kubelet-sim: the upgrade and its version negotiation, the refusals of bad upgrades, stream
 * replies, the error stream in each protocol version, stdin's half-close, PING, and a bad
 * frame ending its own connection only.
 */
class SpdyExecProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String EXEC = "/api/v1/namespaces/default/pods/shell/exec?container=app";

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static SimHarness sim;
    static TestApiServer api;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        sim = new SimHarness(
                ETCD, prefix, new KubeletSimOptions().nodes(1).timeScale(10).podCidrFallback("10.205.0.0/16"));
        sim.create(SimHarness.pod("shell", "sim-node-0", "Always", SimHarness.sh("app", "sleep infinity")));
        sim.awaitPhase("shell", "Running", Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private static String exec(String script, String flags) {
        return EXEC + "&command=sh&command=-c&command=" + URLEncoder.encode(script, StandardCharsets.UTF_8) + flags;
    }

    private static SpdyTestClient upgrade(String pathAndQuery, String... versions) throws Exception {
        List<String> headers = new java.util.ArrayList<>(List.of("Connection: Upgrade", "Upgrade: SPDY/3.1"));
        for (String v : versions) {
            headers.add("X-Stream-Protocol-Version: " + v);
        }
        return SpdyTestClient.request(api.url(), pathAndQuery, headers);
    }

    @Test
    void theClientsFirstServedVersionIsChosen() throws Exception {
        try (SpdyTestClient c = upgrade(
                exec("echo out; exit 3", "&stdout=true&stderr=true"),
                "v9.channel.k8s.io, v3.channel.k8s.io",
                "channel.k8s.io")) {
            assertThat(c.status()).isEqualTo(101);
            assertThat(c.header("Upgrade")).containsExactly("SPDY/3.1");
            assertThat(c.header("Connection")).containsExactly("Upgrade");
            assertThat(c.header("X-Stream-Protocol-Version")).containsExactly("v3.channel.k8s.io");

            int error = c.open("error");
            int stdout = c.open("stdout");
            int stderr = c.open("stderr");
            SpdyTestClient.Transcript t = c.readToGoAway(WAIT);
            assertThat(t.control().stream()
                            .filter(SpdySynReplyFrame.class::isInstance)
                            .map(f -> ((SpdySynReplyFrame) f).streamId()))
                    .as("every stream is answered")
                    .containsExactlyInAnyOrder(error, stdout, stderr);
            assertThat(t.text(stdout)).isEqualTo("out\n");
            assertThat(t.text(stderr)).isEmpty();
            assertThat(t.text(error))
                    .as("before v4 the error stream carries the Status's message only")
                    .startsWith("command terminated with non-zero exit code: error executing command ")
                    .endsWith(", exit code 3");
            assertThat(t.finished()).containsExactlyInAnyOrder(error, stdout, stderr);
            assertThat(t.goAway().status()).isEqualTo(SpdySessionStatus.OK);
            assertThat(t.goAway().lastGoodStreamId()).isEqualTo(stderr);
            assertThat(c.next(WAIT))
                    .as("a client that does not hang up after the GOAWAY is hung up on")
                    .isNull();
        }
    }

    @Test
    void fromV4TheErrorStreamCarriesTheStatus() throws Exception {
        try (SpdyTestClient c = upgrade(exec("exit 7", "&stdout=true"), "v4.channel.k8s.io", "v3.channel.k8s.io")) {
            assertThat(c.header("X-Stream-Protocol-Version")).containsExactly("v4.channel.k8s.io");
            int error = c.open("error");
            c.open("stdout");
            String status = c.readToGoAway(WAIT).text(error);
            assertThat(TestApiServer.JSON.readTree(status).path("reason").asText())
                    .isEqualTo("NonZeroExitCode");
            assertThat(TestApiServer.JSON
                            .readTree(status)
                            .at("/details/causes/0")
                            .toString())
                    .isEqualTo("{\"reason\":\"ExitCode\",\"message\":\"7\"}");
        }
        try (SpdyTestClient c = upgrade(exec("true", "&stdout=true"), "v3.channel.k8s.io")) {
            int error = c.open("error");
            c.open("stdout");
            assertThat(c.readToGoAway(WAIT).text(error))
                    .as("success says nothing before v4")
                    .isEmpty();
        }
    }

    @Test
    void stdinEndsWithTheStreamsHalfClose() throws Exception {
        try (SpdyTestClient c = upgrade(
                EXEC + "&command=cat&stdin=true&stdout=true&stderr=true", "v5.channel.k8s.io", "v4.channel.k8s.io")) {
            assertThat(c.header("X-Stream-Protocol-Version")).containsExactly("v5.channel.k8s.io");
            int error = c.open("error");
            int stdin = c.open("stdin");
            int stdout = c.open("stdout");
            c.open("stderr");
            c.data(stdin, "first line\n", false);
            c.data(stdin, "second line\n", true); // FIN: cat reads its end of input and exits
            SpdyTestClient.Transcript t = c.readToGoAway(WAIT);
            assertThat(t.text(stdout)).isEqualTo("first line\nsecond line\n");
            assertThat(t.text(error)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            assertThat(t.finished()).contains(stdin, stdout, error);
        }
    }

    @Test
    void pingsAreEchoedAndBadStreamsRefused() throws Exception {
        try (SpdyTestClient c = upgrade(exec("sleep 5", "&stdout=true"), "v4.channel.k8s.io")) {
            c.send(new DefaultSpdyPingFrame(1));
            SpdyFrame pong = c.next(WAIT);
            assertThat(pong).isInstanceOf(SpdyPingFrame.class);
            assertThat(((SpdyPingFrame) pong).id()).isEqualTo(1);

            int unknown = c.open("video");
            SpdyFrame refused = c.next(WAIT);
            assertThat(refused).isInstanceOf(SpdyRstStreamFrame.class);
            assertThat(((SpdyRstStreamFrame) refused).streamId()).isEqualTo(unknown);
            assertThat(((SpdyRstStreamFrame) refused).status()).isEqualTo(SpdyStreamStatus.REFUSED_STREAM);

            int error = c.open("error");
            assertThat(((SpdySynReplyFrame) c.next(WAIT)).streamId()).isEqualTo(error);
            int again = c.open("error");
            SpdyFrame twice = c.next(WAIT);
            assertThat(((SpdyRstStreamFrame) twice).streamId()).isEqualTo(again);
        }
    }

    @Test
    void aBadFrameEndsItsOwnConnectionOnly() throws Exception {
        try (SpdyTestClient good = upgrade(exec("sleep 1; echo still here", "&stdout=true"), "v4.channel.k8s.io");
                SpdyTestClient bad = upgrade(exec("sleep 1", "&stdout=true"), "v4.channel.k8s.io")) {
            int error = good.open("error");
            int stdout = good.open("stdout");
            // a control frame of SPDY version 2
            bad.sendRaw(new byte[] {(byte) 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00});
            SpdyFrame goAway = bad.next(WAIT);
            assertThat(goAway).isInstanceOf(SpdyGoAwayFrame.class);
            assertThat(((SpdyGoAwayFrame) goAway).status()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
            assertThat(bad.next(WAIT)).as("then the connection closes").isNull();

            SpdyTestClient.Transcript t = good.readToGoAway(WAIT);
            assertThat(t.text(stdout)).isEqualTo("still here\n");
            assertThat(t.text(error)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        }
    }

    /** A refusal a user can read: no stack trace, no Java exception name. */
    private static void noStackTrace(SpdyTestClient c) {
        assertThat(c.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
    }

    @Test
    void badUpgradesGetClearAnswers() throws Exception {
        String path = exec("echo hi", "&stdout=true");
        try (SpdyTestClient c = SpdyTestClient.request(api.url(), path, List.of())) {
            assertThat(c.status()).isEqualTo(400);
            noStackTrace(c);
            assertThat(TestApiServer.JSON.readTree(c.body()).path("message").asText())
                    .isEqualTo("Upgrade request required");
        }
        try (SpdyTestClient c = upgrade(path)) {
            assertThat(c.status()).isEqualTo(400);
            noStackTrace(c);
            assertThat(c.body()).isEqualTo("unable to upgrade: X-Stream-Protocol-Version is required");
        }
        try (SpdyTestClient c = upgrade(path, "v9.channel.k8s.io")) {
            assertThat(c.status()).isEqualTo(403);
            noStackTrace(c);
            assertThat(c.body())
                    .isEqualTo("unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], "
                            + "server accepts [v5.channel.k8s.io v4.channel.k8s.io v3.channel.k8s.io "
                            + "v2.channel.k8s.io channel.k8s.io]");
            assertThat(c.header("X-Accepted-Stream-Protocol-Versions"))
                    .containsExactly(
                            "v5.channel.k8s.io",
                            "v4.channel.k8s.io",
                            "v3.channel.k8s.io",
                            "v2.channel.k8s.io",
                            "channel.k8s.io");
        }
        try (SpdyTestClient c = SpdyTestClient.request(
                api.url(),
                path,
                List.of("Connection: Upgrade", "Upgrade: websocket", "X-Stream-Protocol-Version: v4"))) {
            // a WebSocket upgrade must be a GET
            assertThat(c.status()).isEqualTo(400);
            noStackTrace(c);
            assertThat(c.body()).startsWith("unable to upgrade: exec and attach are served over WebSocket");
            assertThat(c.body()).endsWith("not Upgrade: websocket");
        }
        try (SpdyTestClient c = upgrade(EXEC.replace("shell", "nope") + "&command=ls", "v4.channel.k8s.io")) {
            assertThat(c.status()).isEqualTo(404);
            noStackTrace(c);
            assertThat(TestApiServer.JSON.readTree(c.body()).path("message").asText())
                    .isEqualTo("pods \"nope\" not found");
        }
    }

    /** Whether {@code path} exists in the container, asked by an exec of its own. */
    private static boolean exists(String path) {
        try (SpdyTestClient c = upgrade(exec("test -f " + path, ""), "v4.channel.k8s.io")) {
            int error = c.open("error");
            return c.readToGoAway(WAIT).text(error).equals("{\"metadata\":{},\"status\":\"Success\"}");
        } catch (Exception e) {
            throw new AssertionError("exec test -f " + path + ": " + e, e);
        }
    }

    @Test
    void outputBeforeTheStreamsExistIsHeldNotLost() throws Exception {
        String marker = "/tmp/early-" + System.nanoTime();
        try (SpdyTestClient c = upgrade(exec("echo early; touch " + marker, "&stdout=true"), "v4.channel.k8s.io")) {
            // the command has run and exited before this client opens its streams
            io.kubelite.store.testing.Poll.until(
                    WAIT, "the first command finished (" + marker + " exists)", () -> exists(marker));
            int error = c.open("error");
            int stdout = c.open("stdout");
            SpdyTestClient.Transcript t = c.readToGoAway(WAIT);
            assertThat(t.text(stdout)).isEqualTo("early\n");
            assertThat(t.text(error)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            assertThat(t.control())
                    .as("the server opens no stream of its own")
                    .noneMatch(f -> f instanceof SpdySynStreamFrame);
        }
    }
}
