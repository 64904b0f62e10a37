package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.apiserver.kubectl.replay.ReplayCluster;
import io.kubelite.apiserver.kubectl.replay.ReplayFixture;
import io.kubelite.apiserver.kubectl.replay.ReplayFixture.Expect;
import io.kubelite.apiserver.kubectl.replay.ReplayFixture.Step;
import io.kubelite.apiserver.kubectl.replay.Replayer;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubectl contract suite without kubectl: the HTTP requests the real kubectl (1.32, which
 * sends protobuf bodies for the objects it builds) sent for each
 * command of {@code kubectl-replay/record.sh} (get, describe, apply twice and with a field
 * removed, diff, the three patch types, explain, events, create, auth, drain with a budget, wait,
 * delete), replayed in order with the JDK client on the cluster they were recorded on ({@link
 * ReplayCluster}: TLS, the admin's client certificate), each answer checked for its recorded
 * status, Content-Type, kind, Table columns and failure reason. Re-record with {@code record.sh}
 * (see docs/apiserver.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlReplayTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = ReplayCluster.shape().withoutKubectl();

    static List<ReplayFixture> fixtures() throws Exception {
        return ReplayFixture.all();
    }

    @Test
    @Order(1)
    void theFixturesAreTheRecordedCommandsAndEachExpectsSomething() throws Exception {
        List<ReplayFixture> all = fixtures();
        assertThat(all).as("fixtures in " + ReplayFixture.directory()).isNotEmpty();
        // one fixture per `rec NAME ...` line of record.sh, in its order: none lost, none stale
        String script = Files.readString(ReplayFixture.directory().resolveSibling("record.sh"));
        List<String> recorded = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^rec (\\S+) ").matcher(script);
        while (m.find()) {
            recorded.add("%02d-%s".formatted(recorded.size() + 1, m.group(1)));
        }
        assertThat(all.stream().map(ReplayFixture::name).toList()).isEqualTo(recorded);
        for (ReplayFixture f : all) {
            assertThat(f.requests()).as(f.name() + " has requests").isNotEmpty();
            assertThat(f.requests())
                    .as(f.name() + ": every request expects an HTTP status")
                    .allSatisfy(s -> assertThat(s.expect().status()).isBetween(100, 599));
            assertThat(f.kubectl())
                    .as(f.name() + ": the kubectl that sent them: 1.32, as kubelite's /version asks")
                    .startsWith("kubectl")
                    .contains("/v1.32.");
        }
        // the contracts the fixtures carry: Tables with columns, failures with reasons, writes, a watch
        List<Step> steps = all.stream().flatMap(f -> f.requests().stream()).toList();
        assertThat(steps).anySatisfy(s -> assertThat(s.expect().columns()).isNotEmpty());
        assertThat(steps).anySatisfy(s -> assertThat(s.expect().reason()).isEqualTo("NotFound"));
        assertThat(steps).anySatisfy(s -> assertThat(s.expect().reason()).isEqualTo("TooManyRequests"));
        assertThat(steps).anySatisfy(s -> assertThat(s.watch()).isTrue());
        assertThat(steps.stream().map(Step::method).distinct()).contains("GET", "POST", "PATCH", "DELETE");
        // kubectl 1.32 sends the objects it builds itself (create configmap, the auth reviews) as protobuf
        assertThat(steps)
                .anySatisfy(s -> assertThat(s.contentType()).isEqualTo("application/vnd.kubernetes.protobuf"))
                .allSatisfy(s -> assertThat(s.bytes() != null)
                        .as(s.describe())
                        .isEqualTo("application/vnd.kubernetes.protobuf".equals(s.contentType())));
    }

    @Test
    @Order(2)
    void aDifferentAnswerFailsWithTheRequestAndTheResponse() throws Exception {
        ReplayFixture missing = fixtures().stream()
                .filter(f -> f.name().endsWith("-get-pod-missing"))
                .findFirst()
                .orElseThrow();
        List<Step> steps = new ArrayList<>(missing.requests());
        Step last = steps.remove(steps.size() - 1);
        Expect e = last.expect();
        steps.add(new Step(
                last.method(),
                last.path(),
                last.accept(),
                last.contentType(),
                last.body(),
                last.bytes(),
                last.watch(),
                last.polled(),
                new Expect(e.status(), e.contentType(), e.kind(), e.columns(), "Gone")));
        ReplayFixture tampered =
                new ReplayFixture(missing.name(), missing.command(), missing.kubectl(), missing.exitCode(), steps);
        assertThatThrownBy(() -> new Replayer(CLUSTER.httpClient(), CLUSTER.url()).replay(tampered))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("reason NotFound, not Gone")
                .hasMessageContaining("GET /api/v1/namespaces/default/pods/nope")
                .hasMessageContaining("\"reason\":\"NotFound\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    @Order(3)
    void replay(ReplayFixture fixture) {
        CLUSTER.settle(); // what kubectl's previous command wrote has been acted on, as when recording
        new Replayer(CLUSTER.httpClient(), CLUSTER.url()).replay(fixture);
    }
}
