package io.kubelite.store.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectorTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void atMostOneLeaderWhileCandidatesComeAndGo() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd[] clients = {ETCD.connect(prefix), ETCD.connect(prefix), ETCD.connect(prefix)};
        AtomicInteger active = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        Set<LeaderElector> live = ConcurrentHashMap.newKeySet();
        LeaderElector[] slots = new LeaderElector[3];
        Set<Long> terms = ConcurrentHashMap.newKeySet();
        AtomicInteger generation = new AtomicInteger();
        java.util.function.IntFunction<LeaderElector> create = i -> {
            RecordingListener rec = new RecordingListener(active, overlap) {
                @Override
                public void onStartedLeading(Leadership l) {
                    terms.add(l.token());
                    super.onStartedLeading(l);
                }
            };
            LeaderElector e =
                    new LeaderElector(clients[i], "churn", "c" + i + "-" + generation.incrementAndGet(), LEASE, rec);
            live.add(e);
            e.start();
            return e;
        };
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> churnError = new AtomicReference<>();
        AtomicInteger churns = new AtomicInteger();
        Thread churn = new Thread(
                () -> {
                    try {
                        while (!stop.get()) {
                            Thread.sleep(
                                    ThreadLocalRandom.current().nextLong(150, 400)); // churn pace, not a wait for state
                            int i = ThreadLocalRandom.current().nextInt(3);
                            if (churns.get() % 2 == 0) { // every other time, close whoever leads
                                for (int j = 0; j < 3; j++) {
                                    if (slots[j].isLeader()) {
                                        i = j;
                                    }
                                }
                            }
                            LeaderElector old = slots[i];
                            old.close();
                            live.remove(old);
                            slots[i] = create.apply(i);
                            churns.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        churnError.set(t);
                    }
                },
                "churn");
        try {
            for (int i = 0; i < 3; i++) {
                slots[i] = create.apply(i);
            }
            Poll.until(
                    Duration.ofSeconds(10),
                    "a first leader",
                    () -> live.stream().anyMatch(LeaderElector::isLeader));
            churn.start();
            int samples = 0;
            int withLeader = 0;
            int maxLeaders = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                int leaders = 0;
                for (LeaderElector e : live) {
                    if (e.isLeader()) {
                        leaders++;
                    }
                }
                maxLeaders = Math.max(maxLeaders, leaders);
                samples++;
                if (leaders == 1) {
                    withLeader++;
                }
                Thread.sleep(10); // sampling period
            }
            stop.set(true);
            churn.join(10_000);
            System.out.println(
                    "MEASURED churn: " + samples + " samples, " + withLeader + " with one leader, max leaders "
                            + maxLeaders + ", " + churns.get() + " candidates replaced, " + terms.size() + " terms");
            assertThat(churnError.get()).as("churn thread failure").isNull();
            assertThat(maxLeaders)
                    .as("most electors that reported isLeader() at one instant")
                    .isLessThanOrEqualTo(1);
            assertThat(overlap)
                    .as("two listeners' [started, stopped] intervals overlapped")
                    .isFalse();
            assertThat(churns.get()).as("candidates closed and re-created").isGreaterThanOrEqualTo(8);
            assertThat(terms.size()).as("distinct leadership terms seen").isGreaterThanOrEqualTo(3);
            assertThat((double) withLeader / samples)
                    .as("share of samples with a leader (" + withLeader + "/" + samples + ")")
                    .isGreaterThan(0.7);
        } finally {
            stop.set(true);
            churn.join(10_000);
            for (LeaderElector e : live) {
                e.close();
            }
        }
    }

    @Test
    void candidateTakesOverWithinTtlAfterLeaderProcessIsKilled() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        RecordingListener rec = new RecordingListener();
        try (ChildElection child = ChildElection.start(ETCD.cluster().endpoints(), prefix, "kill9", "child", LEASE);
                LeaderElector survivor = new LeaderElector(etcd, "kill9", "survivor", LEASE, rec)) {
            long childToken = Long.parseLong(
                    child.awaitLine(Duration.ofSeconds(30), "LEADING ").split(" ")[1]);
            survivor.start();
            Poll.until(Duration.ofSeconds(10), "survivor queued as a candidate", () -> candidates(etcd, "kill9") == 2);
            assertThat(survivor.isLeader()).isFalse();

            child.killHard();
            long killed = System.nanoTime();
            Poll.until(LEASE.plusSeconds(2), "survivor to lead after the leader was killed", survivor::isLeader);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println(
                    "MEASURED kill -9 of leader -> new leader: " + tookMs + " ms (TTL " + LEASE.toMillis() + " ms)");
            assertThat(tookMs).as("ms from kill -9 to the new leader").isLessThanOrEqualTo(LEASE.toMillis() + 1000);
            assertThat(survivor.leadership().orElseThrow().token()).isGreaterThan(childToken);
            Poll.until(Duration.ofSeconds(5), "onStartedLeading", () -> rec.started.get() == 1);
            assertThat(rec.callbackThread).startsWith("kubelite-elector-kill9-callbacks");
        }
    }

    @Test
    void pausedLeaderIsFencedOutAndStepsDownWhenItResumes() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        String target = prefix + "/fenced-target";
        RecordingListener rec = new RecordingListener();
        try (ChildElection a = ChildElection.start(ETCD.cluster().endpoints(), prefix, "fence", "a", LEASE);
                LeaderElector b = new LeaderElector(etcd, "fence", "b", LEASE, rec)) {
            String[] leading = a.awaitLine(Duration.ofSeconds(30), "LEADING ").split(" ");
            Fence fenceA = Fence.onKey(leading[2], Long.parseLong(leading[1]));
            b.start();
            Poll.until(Duration.ofSeconds(10), "b queued as a candidate", () -> candidates(etcd, "fence") == 2);
            assertThat(ElectionChild.fencedPut(etcd, fenceA, target, "A-before"))
                    .as("A's fence while A leads")
                    .isTrue();

            a.signal("STOP");
            try {
                Poll.until(LEASE.plusSeconds(5), "b to lead while a is paused", b::isLeader);
                assertThat(ElectionChild.fencedPut(etcd, fenceA, target, "A-direct"))
                        .as("write with A's fence")
                        .isFalse();
                assertThat(ElectionChild.fencedPut(
                                etcd, b.leadership().orElseThrow().fence(), target, "B"))
                        .as("write with B's fence")
                        .isTrue();
                assertThat(a.lineStartingWith("STOPPED"))
                        .as("a cannot notice while paused")
                        .isEmpty();
            } finally {
                a.signal("CONT");
            }
            a.send("WRITE " + target + " A");
            assertThat(a.awaitLine(Duration.ofSeconds(15), "FENCED-OUT", "WROTE", "ERROR"))
                    .isEqualTo("FENCED-OUT");
            assertThat(get(etcd, target)).isEqualTo("B");
            a.awaitLine(Duration.ofSeconds(10), "STOPPED");
            assertThat(b.isLeader()).isTrue();
        }
    }

    @Test
    void closeHandsOverPromptlyAndIsIdempotent() throws Exception {
        String prefix = ETCD.newPrefix();
        Duration lease = Duration.ofSeconds(10);
        Etcd etcdA = ETCD.connect(prefix);
        Etcd etcdB = ETCD.connect(prefix);
        RecordingListener recA = new RecordingListener();
        RecordingListener recB = new RecordingListener();
        LeaderElector a = new LeaderElector(etcdA, "close", "a", lease, recA);
        try (LeaderElector b = new LeaderElector(etcdB, "close", "b", lease, recB)) {
            a.start();
            Poll.until(Duration.ofSeconds(10), "a to lead", a::isLeader);
            b.start();
            Poll.until(Duration.ofSeconds(10), "b queued as a candidate", () -> candidates(etcdB, "close") == 2);
            Leadership la = a.leadership().orElseThrow();
            long leaseA = Long.parseUnsignedLong(la.key().substring(la.key().lastIndexOf('/') + 1), 16);
            Poll.until(Duration.ofSeconds(5), "a's onStartedLeading", () -> recA.started.get() == 1);

            long t0 = System.nanoTime();
            a.close();
            assertThat(a.isLeader()).isFalse();
            assertThat(a.leadership()).isEmpty();
            assertThat(recA.stopped.get())
                    .as("onStoppedLeading ran before close returned")
                    .isEqualTo(1);
            Poll.until(Duration.ofSeconds(2), "b to lead after a closed", b::isLeader);
            long handoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println(
                    "MEASURED close() -> next leader: " + handoverMs + " ms (TTL " + lease.toMillis() + " ms)");
            assertThat(handoverMs)
                    .as("ms from close() to the next leader, lease " + lease.toMillis() + " ms")
                    .isLessThan(1500);
            Poll.until(Duration.ofSeconds(5), "b's onStartedLeading", () -> recB.started.get() == 1);
            assertThat(recA.stoppedAtNanos)
                    .as("a's onStoppedLeading returned before b's onStartedLeading")
                    .isLessThan(recB.startedAtNanos);

            a.close(); // idempotent
            assertThat(recA.stopped.get()).isEqualTo(1);
            assertThat(recA.outOfOrder).isFalse();
            assertThat(candidates(etcdB, "close")).as("a's key is gone").isEqualTo(1);
            long ttl = etcdB.client()
                    .getLeaseClient()
                    .timeToLive(leaseA, LeaseOption.DEFAULT)
                    .get(5, TimeUnit.SECONDS)
                    .getTTL();
            assertThat(ttl).as("a's lease revoked").isEqualTo(-1);
            assertThat(la.token()).isLessThan(b.leadership().orElseThrow().token());
        } finally {
            a.close();
        }
        LeaderElector never = new LeaderElector(etcdA, "close", "never", lease, new RecordingListener());
        never.close();
        never.close();
    }

    static long candidates(Etcd etcd, String election) {
        try {
            return etcd.client()
                    .getKVClient()
                    .get(
                            Etcd.bytes(LeaderElector.electionPrefix(etcd.prefix(), election)),
                            GetOption.builder()
                                    .isPrefix(true)
                                    .withCountOnly(true)
                                    .build())
                    .get(5, TimeUnit.SECONDS)
                    .getCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String get(Etcd etcd, String key) throws Exception {
        List<io.etcd.jetcd.KeyValue> kvs = etcd.client()
                .getKVClient()
                .get(Etcd.bytes(key))
                .get(5, TimeUnit.SECONDS)
                .getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString();
    }
}
