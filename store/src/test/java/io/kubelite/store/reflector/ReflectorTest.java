package io.kubelite.store.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.TestObjects;
import io.kubelite.store.backoff.ExponentialBackoff;
import io.kubelite.store.testing.InMemoryListerWatcher;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The list-and-watch loop against an in-memory source: no etcd, milliseconds per test. */
class ReflectorTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ExponentialBackoff FAST = new ExponentialBackoff(Duration.ofMillis(20), Duration.ofSeconds(1));

    private final InMemoryListerWatcher<Pod> pods = new InMemoryListerWatcher<>(PodKind.RESOURCE);
    private final Recorder seen = new Recorder();
    private final List<Reflector<Pod>> reflectors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        reflectors.forEach(Reflector::close);
        pods.close();
    }

    private Reflector<Pod> started(String name, ExponentialBackoff retry) {
        Reflector<Pod> r = new Reflector<>(name, pods, p -> true, retry, seen);
        reflectors.add(r);
        r.start();
        return r;
    }

    private static Pod onNode(String name, String node) {
        Pod p = TestObjects.pod("default", name);
        return p.toBuilder().setSpec(p.getSpec().toBuilder().setNodeName(node)).build();
    }

    /** What the listener was told, one line per call, e.g. {@code replace@2 ADDED default/a}. */
    private static final class Recorder implements ReflectorListener<Pod> {
        private final List<String> calls = new ArrayList<>();

        @Override
        public synchronized void onReplace(List<Delta<Pod>> deltas, long revision, boolean relist) {
            calls.add((relist ? "relist@" : "list@") + revision + " "
                    + deltas.stream().map(Recorder::line).toList());
        }

        @Override
        public synchronized void onDelta(Delta<Pod> d) {
            calls.add(line(d));
        }

        private static String line(Delta<Pod> d) {
            String s = d.type() + " " + d.key() + "@" + d.revision();
            if (d.previous() != null) {
                s += " was@" + d.previous().getMetadata().getResourceVersion();
            }
            return s;
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }
    }

    @Test
    void listsThenWatchesFromTheListRevision() {
        pods.add(onNode("a", "n1"));
        pods.add(onNode("b", "n1"));
        Reflector<Pod> r = started("reflector-watch", FAST);
        assertThat(r.awaitSynced(WAIT)).isTrue();

        pods.update("default", "a", p -> onNode("a", "n2"));
        pods.delete("default", "b");
        pods.add(onNode("c", "n1"));

        List<String> calls =
                Poll.until(WAIT, "the list, then the three changes in order", seen::calls, c -> c.size() == 4);
        assertThat(calls.get(0)).startsWith("list@2 ").contains("ADDED default/a@2", "ADDED default/b@2");
        assertThat(calls.subList(1, 4))
                .containsExactly("MODIFIED default/a@3 was@1", "DELETED default/b@4", "ADDED default/c@5");
        Poll.until(WAIT, "last revision 5", () -> r.lastRevision() == 5);
    }

    @Test
    void relistAfterCompactionDeliversTheMissedDeletesUpdatesAndAddsThenWatchesOn() {
        pods.add(onNode("gone", "n1"));
        pods.add(onNode("moved", "n1"));
        pods.add(onNode("same", "n1"));
        Reflector<Pod> r = started("reflector-relist", FAST);
        assertThat(r.awaitSynced(WAIT)).isTrue();

        pods.disconnect();
        pods.delete("default", "gone");
        pods.update("default", "moved", p -> onNode("moved", "n2"));
        pods.add(onNode("new", "n1"));
        pods.compact();
        pods.reconnect();

        List<String> calls = Poll.until(WAIT, "a relist at revision 6", seen::calls, c -> c.size() == 2);
        // deletes first; nothing for the unchanged object; every difference at the list's revision
        assertThat(calls.get(1))
                .startsWith("relist@6 [DELETED default/gone@6, ")
                .contains("MODIFIED default/moved@6 was@2", "ADDED default/new@6")
                .doesNotContain("same");

        pods.add(onNode("after", "n1"));
        Poll.until(WAIT, "watching again after the relist", seen::calls, c -> c.contains("ADDED default/after@7"));
        assertThat(pods.openWatches()).as("only the new watch").isEqualTo(1);
        assertThat(r.lastRevision()).isEqualTo(7);
    }

    @Test
    void filterDeliversEntryAsAddAndExitAsDelete() {
        pods.add(onNode("mine", "n1"));
        pods.add(onNode("theirs", "n9"));
        Reflector<Pod> r = new Reflector<>(
                "reflector-filter", pods, p -> p.getSpec().getNodeName().equals("n1"), FAST, seen);
        reflectors.add(r);
        r.start();
        assertThat(r.awaitSynced(WAIT)).isTrue();

        pods.update("default", "theirs", p -> onNode("theirs", "n1"));
        pods.update("default", "mine", p -> onNode("mine", "n2"));
        pods.delete("default", "mine");

        List<String> calls = Poll.until(WAIT, "entry and exit", seen::calls, c -> c.size() == 3);
        assertThat(calls)
                .containsExactly("list@2 [ADDED default/mine@2]", "ADDED default/theirs@3", "DELETED default/mine@4");
        Poll.until(WAIT, "the delete of an object outside the view moves the revision", () -> r.lastRevision() == 5);
        assertThat(seen.calls()).hasSize(3);
    }

    @Test
    void failedListsAreRetriedAfterADoublingBackOff() {
        pods.add(onNode("a", "n1"));
        pods.failLists(3);
        Reflector<Pod> r = started("reflector-backoff", FAST);
        assertThat(r.awaitSynced(WAIT)).isTrue();

        List<Long> at = pods.listAttempts();
        assertThat(at).as("three failures, then a success").hasSize(4);
        long[] expectedMinGapsMillis = {20, 40, 80};
        for (int i = 0; i < 3; i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(at.get(i + 1) - at.get(i));
            assertThat(gapMillis).as("gap before attempt %d", i + 2).isGreaterThanOrEqualTo(expectedMinGapsMillis[i]);
        }
        assertThat(seen.calls()).containsExactly("list@1 [ADDED default/a@1]");
    }

    @Test
    void closeStopsTheThreadAndTheWatchAndIsIdempotent() {
        Reflector<Pod> r = started("reflector-close", FAST);
        assertThat(r.awaitSynced(WAIT)).isTrue();
        Poll.until(WAIT, "the watch is open", () -> pods.openWatches() == 1);

        r.close();
        r.close();
        assertThat(threadsNamed("reflector-close"))
                .as("reflector thread after close")
                .isEmpty();
        assertThat(pods.openWatches()).as("watches after close").isZero();
        pods.add(onNode("late", "n1"));
        Poll.holds(
                Duration.ofMillis(100),
                "nothing delivered after close",
                () -> assertThat(seen.calls()).containsExactly("list@0 []"));
    }

    @Test
    void closeWhileBackingOffReturnsPromptly() {
        pods.failLists(Integer.MAX_VALUE);
        Reflector<Pod> r = started(
                "reflector-close-backoff", new ExponentialBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        Poll.until(WAIT, "the first list failed", () -> pods.listAttempts().size() == 1);

        long t0 = System.nanoTime();
        r.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("close during a 30 s back-off")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(threadsNamed("reflector-close-backoff")).isEmpty();
        assertThat(r.hasSynced()).isFalse();
    }

    private static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .toList();
    }
}
