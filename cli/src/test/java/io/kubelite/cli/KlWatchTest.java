package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kl get -w} across API servers that go away: the stream breaks, kl re-watches from the
 * last resourceVersion on whichever server answers next, and prints every change exactly once;
 * when that server's history does not reach back (410) it relists and prints the differences;
 * a non-retryable answer (401) ends it with kubectl's message. The servers sit behind a
 * {@link SwitchableFront}, so kl keeps one address while the server behind it changes.
 */
class KlWatchTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> closers = new ArrayList<>();
    private io.kubelite.store.Etcd etcd;
    private ObjectStore<Pod> pods;
    private SwitchableFront front;

    @BeforeEach
    void setUp() {
        etcd = ETCD.connect(ETCD.newPrefix());
        pods = new io.kubelite.store.Store(etcd).of(PodKind.RESOURCE);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }

    private TestApiServer server(ApiServerConfig config) throws Exception {
        TestApiServer s = TestApiServer.start(etcd, config.withBookmarkInterval(Duration.ofMillis(200)));
        closers.add(s);
        return s;
    }

    private SwitchableFront front(TestApiServer first) throws Exception {
        front = new SwitchableFront(first.server().port());
        closers.add(front);
        return front;
    }

    /** A kl running in its own thread, as a user's terminal would. */
    private final class Running implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> code = new CompletableFuture<>();
        final Thread thread;

        Running(String... args) {
            List<String> full = new ArrayList<>(List.of("--server=" + front.url(), "--token="));
            full.addAll(List.of(args));
            thread = new Thread(
                    () -> code.complete(Kl.run(
                            full.toArray(String[]::new),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8),
                            new HashMap<>(),
                            Clock.systemUTC())),
                    "kl-watch");
            thread.setDaemon(true);
            thread.start();
            closers.add(this);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        /**
         * Ctrl-C, in-process: interrupt, and break the stream the thread is blocked reading. The JDK's
         * HTTP response stream swallows an interrupt that arrives while it waits for data, so interrupt
         * until one lands where kl sees it (its back-off sleep or the reconnect).
         */
        @Override
        public void close() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.isAlive() && System.nanoTime() < deadline) {
                thread.interrupt();
                front.down();
                thread.join(100);
            }
        }
    }

    private static Pod pod(String name) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .putLabels("app", "w")
                        .setUid("uid-" + name))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage("nginx")))
                .build();
    }

    private void relabel(String name, String tier) {
        pods.guaranteedUpdate(
                        "default",
                        name,
                        p -> p.toBuilder()
                                .setMetadata(p.getMetadata().toBuilder().putLabels("tier", tier))
                                .build())
                .join();
    }

    /** The whole objects of a {@code -o json} watch output (pretty JSON documents one after another). */
    private static List<JsonNode> docs(String out) {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = ApiClient.JSON.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
            while (it.hasNext()) {
                docs.add(it.next());
            }
        } catch (Exception partial) {
            // kl is still writing the last document: the ones before it count
        }
        return docs;
    }

    private static List<String> namesAndVersions(List<JsonNode> docs) {
        return docs.stream()
                .map(d -> d.path("metadata").path("name").asText() + "@"
                        + d.path("metadata").path("resourceVersion").asText())
                .toList();
    }

    @Test
    @Timeout(90)
    void resumesOnAnotherServerFromTheLastResourceVersionPrintingEveryChangeOnce() throws Exception {
        TestApiServer a = server(ApiServerConfig.local());
        front(a);
        pods.create(pod("before")).join();
        Running json = new Running("get", "pods", "-l", "app=w", "-w", "-o", "json");
        Running table = new Running("get", "pods", "-l", "app=w", "-w");
        Poll.until(
                WAIT,
                "both watches list the pod from before",
                () -> json.out().contains("\"before\"") && table.out().contains("before"));
        long created =
                Long.parseLong(pods.create(pod("p1")).join().getMetadata().getResourceVersion());
        Poll.until(
                WAIT,
                "p1 printed",
                () -> json.out().contains("\"p1\"") && table.out().contains("p1"));

        // B is running before the changes, so its watch cache holds them: kl must resume, not relist
        TestApiServer b = server(ApiServerConfig.local());
        front.down();
        a.close();
        relabel("p1", "x");
        pods.create(pod("p2")).join();
        long deleted = pods.delete("default", "p1").join().revision();
        pods.create(pod("p3")).join();
        Poll.until(
                WAIT,
                "the outage reported",
                () -> json.err().contains("reconnecting") && table.err().contains("reconnecting"));
        front.to(b.server().port());

        Poll.until(
                WAIT,
                "every change printed",
                () -> json.out().contains("\"p3\"") && table.out().contains("p3"));
        relabel("p3", "y"); // the watch goes on on B
        Poll.until(WAIT, "a later change printed", () -> docs(json.out()).size() == 7);
        List<JsonNode> docs = docs(json.out());
        List<String> seen = namesAndVersions(docs);
        assertThat(seen)
                .as("each change once, in order")
                .doesNotHaveDuplicates()
                .hasSize(7);
        assertThat(seen.stream().map(s -> s.substring(0, s.indexOf('@'))).toList())
                .containsExactly("before", "p1", "p1", "p2", "p1", "p3", "p3");
        assertThat(docs.get(1).path("metadata").path("resourceVersion").asLong())
                .isEqualTo(created);
        assertThat(docs.get(2).path("metadata").path("labels").path("tier").asText())
                .isEqualTo("x");
        assertThat(docs.get(4).path("metadata").path("resourceVersion").asLong())
                .as("the delete")
                .isEqualTo(deleted);
        assertThat(docs.get(0).path("kind").asText()).isEqualTo("Pod");

        Poll.until(
                WAIT,
                "table caught up",
                () -> table.out().lines().filter(l -> l.startsWith("p3")).count() == 2);
        List<String> rows = table.out().lines().toList();
        assertThat(rows.get(0)).startsWith("NAME ");
        assertThat(rows.stream().filter(l -> l.startsWith("NAME ")).count())
                .as("one header")
                .isEqualTo(1);
        assertThat(rows.stream().map(l -> l.split("\\s+")[0]).toList())
                .containsExactly("NAME", "before", "p1", "p1", "p2", "p1", "p3", "p3");
        for (Running r : List.of(json, table)) {
            assertThat(r.err().lines().toList()).as("one line for the outage").hasSize(1);
            assertThat(r.err())
                    .startsWith("Warning: watch of pods interrupted (")
                    .doesNotContain("Exception");
            assertThat(r.code).isNotDone();
        }
        json.close();
        assertThat(json.code.get(10, TimeUnit.SECONDS))
                .as("interrupted: a clean stop")
                .isZero();
    }

    @Test
    @Timeout(90)
    void relistsWhenTheNewServerLacksTheHistoryAndPrintsOnlyWhatChanged() throws Exception {
        TestApiServer a = server(ApiServerConfig.local());
        front(a);
        pods.create(pod("same")).join();
        pods.create(pod("changed")).join();
        pods.create(pod("gone")).join();
        Running yaml = new Running("get", "pods", "-l", "app=w", "-w", "-o", "yaml");
        Running name = new Running("get", "pods", "-l", "app=w", "-w", "-o", "name");
        Poll.until(
                WAIT,
                "listed",
                () -> name.out().lines().count() == 3 && yaml.out().contains("name: same"));

        front.down();
        a.close();
        relabel("changed", "x");
        pods.delete("default", "gone").join();
        pods.create(pod("new")).join();
        // C starts after the changes: its history begins at its own list, so kl's resourceVersion is too old
        TestApiServer c = server(ApiServerConfig.local());
        front.to(c.server().port());

        Poll.until(WAIT, "relisted", () -> name.out().lines().count() == 6);
        assertThat(name.out()).isEqualTo("pod/changed\npod/gone\npod/same\npod/gone\npod/changed\npod/new\n");
        pods.create(pod("later")).join();
        Poll.until(WAIT, "watching again after the relist", () -> name.out().endsWith("pod/new\npod/later\n"));
        Poll.until(WAIT, "yaml too", () -> yaml.out().contains("name: later"));
        String y = yaml.out();
        assertThat(y.split("\n---\n"))
                .as("one YAML document per printed object")
                .hasSize(7);
        assertThat(y).startsWith("apiVersion: v1\nkind: Pod\n");
        assertThat(name.code).isNotDone();
    }

    @Test
    @Timeout(60)
    void aNonRetryableAnswerEndsTheWatchWithKubectlsMessage() throws Exception {
        TestApiServer open = server(ApiServerConfig.local());
        front(open);
        Running kl = new Running("get", "pods", "-w");
        Poll.until(WAIT, "watching", () -> kl.out().startsWith("NAME"));
        TestApiServer strict = server(ApiServerConfig.local()
                .withTokens(Map.of("t", new Auth.User("admin", List.of("system:masters"), null)), false));
        front.down();
        front.to(strict.server().port());
        assertThat(kl.code.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        // the switch may cost one failed reconnect first, reported by at most one warning line
        assertThat(kl.err()).endsWith("error: You must be logged in to the server (Unauthorized)\n");
        assertThat(kl.err().lines().toList())
                .hasSizeLessThanOrEqualTo(2)
                .allMatch(l -> l.startsWith("Warning: watch of pods interrupted") || l.startsWith("error: "));
    }

    @Test
    @Timeout(60)
    void aNamedObjectIsWatchedAloneAndSeveralNamesAreRefused() throws Exception {
        TestApiServer a = server(ApiServerConfig.local());
        front(a);
        pods.create(pod("one")).join();
        pods.create(pod("other")).join();
        Running kl = new Running("get", "pod", "one", "-w", "-o", "name");
        Poll.until(WAIT, "listed", () -> kl.out().equals("pod/one\n"));
        relabel("other", "x");
        relabel("one", "x");
        Poll.until(WAIT, "the named pod's change", () -> kl.out().equals("pod/one\npod/one\n"));
        assertThat(kl.code).isNotDone();

        Running two = new Running("get", "pods", "one", "other", "-w");
        assertThat(two.code.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(two.err())
                .isEqualTo("error: watch is only supported on individual resources and resource "
                        + "collections, but 2 resources were found\n");
    }

    @Test
    @Timeout(60)
    void outputWatchEventsNamesEachChange() throws Exception {
        TestApiServer a = server(ApiServerConfig.local());
        front(a);
        pods.create(pod("first")).join();
        Running table = new Running("get", "pods", "-l", "app=w", "-w", "--output-watch-events");
        Running json = new Running("get", "pods", "-l", "app=w", "-w", "--output-watch-events", "-o", "json");
        Poll.until(
                WAIT,
                "listed",
                () -> table.out().lines().count() == 2 && docs(json.out()).size() == 1);
        relabel("first", "x");
        pods.delete("default", "first").join();
        Poll.until(
                WAIT,
                "modified and deleted",
                () -> table.out().lines().count() == 4 && docs(json.out()).size() == 3);
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("EVENT").contains("NAME", "STATUS");
        assertThat(lines.subList(1, 4))
                .extracting(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1])
                .containsExactly("ADDED first", "MODIFIED first", "DELETED first");
        assertThat(docs(json.out()))
                .extracting(d -> d.path("type").asText() + " "
                        + d.path("object").path("kind").asText() + " "
                        + d.path("object").path("metadata").path("name").asText())
                .containsExactly("ADDED Pod first", "MODIFIED Pod first", "DELETED Pod first");
    }

    @Test
    @Timeout(60)
    void aFrozenServerIsLeftAfterTheIdleTimeoutAndNothingIsMissed() throws Exception {
        TestApiServer a = server(ApiServerConfig.local());
        TestApiServer b = server(ApiServerConfig.local());
        front(a);
        pods.create(pod("before")).join();
        Running kl = new Running("get", "pods", "-l", "app=w", "-w", "-o", "name", "--watch-idle-timeout=2s");
        Poll.until(WAIT, "listed", () -> kl.out(), "pod/before\n"::equals);

        // A freezes: its connection stays open and silent, and so would any new one (its kernel still
        // accepts), until the load balancer gives up on it and sends new connections to B
        try (java.net.ServerSocket frozenA =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            front.freeze();
            front.to(frozenA.getLocalPort());
            relabel("before", "x");
            pods.create(pod("during")).join();
            Poll.until(
                    WAIT,
                    "kl reports the reconnect that found no answer within the idle timeout",
                    () -> kl.err(),
                    e -> e.contains("(timed out)"));
            front.to(b.server().port());
            Poll.until(
                    WAIT,
                    "the changes made while A was frozen, each once",
                    () -> kl.out(),
                    "pod/before\npod/before\npod/during\n"::equals);
        }
        pods.create(pod("after")).join();
        Poll.until(WAIT, "watching on B", () -> kl.out(), o -> o.endsWith("pod/during\npod/after\n"));
        assertThat(kl.err().lines().toList())
                .as("one line for the outage")
                .containsExactly("Warning: watch of pods interrupted (timed out); reconnecting");
        assertThat(kl.code).isNotDone();
    }

    @Test
    @Timeout(60)
    void aQuietServerIsReWatchedSilently() throws Exception {
        // bookmarks only every 5 s: with a 1 s idle timeout kl re-opens the quiet watch, on the same server,
        // without a word and without printing anything twice
        TestApiServer a =
                TestApiServer.start(etcd, ApiServerConfig.local().withBookmarkInterval(Duration.ofSeconds(5)));
        closers.add(a);
        front(a);
        pods.create(pod("only")).join();
        Running kl = new Running("get", "pods", "-l", "app=w", "-w", "-o", "name", "--watch-idle-timeout=1s");
        Poll.until(WAIT, "listed", () -> kl.out(), "pod/only\n"::equals);
        int connections = front.connections();
        Poll.until(WAIT, "at least two silent re-watches", () -> front.connections() - connections, n -> n >= 2);
        relabel("only", "x");
        Poll.until(WAIT, "the change, once", () -> kl.out(), "pod/only\npod/only\n"::equals);
        assertThat(kl.err()).as("no warning for a quiet, healthy server").isEmpty();
    }
}
