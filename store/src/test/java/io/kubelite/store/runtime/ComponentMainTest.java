package io.kubelite.store.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.election.Elector;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.election.LeadershipListener;
import io.kubelite.store.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** ComponentMain in-process (start/shutdown, no signal handlers) with a scripted elector. */
class ComponentMainTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static CommonOptions options(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--etcd-endpoints",
                ETCD.cluster().endpointsString(),
                "--etcd-prefix",
                "/t-" + UUID.randomUUID(),
                "--id",
                "me",
                "--etcd-startup-timeout",
                "20s"));
        args.addAll(List.of(extra));
        CommonOptions o = new CommonOptions();
        new CommandLine(o).parseArgs(args.toArray(String[]::new));
        return o;
    }

    /** Records every call, in order, in one list shared with the elector. */
    static class Recording implements Component {
        final List<String> events;
        final AtomicReference<ComponentContext> ctx = new AtomicReference<>();

        Recording(List<String> events) {
            this.events = events;
        }

        private void add(String e) {
            synchronized (events) {
                events.add(e);
            }
        }

        @Override
        public void start(ComponentContext c) {
            ctx.set(c);
            add("start");
        }

        @Override
        public void onStartedLeading(Leadership term) {
            add("leading:" + term.token());
        }

        @Override
        public void onStoppedLeading() {
            add("stopped-leading");
        }

        @Override
        public void close() {
            add("close(etcd open=" + !ctx.get().etcd().isClosed() + ")");
        }
    }

    /** An elector the test drives by hand. */
    static final class ScriptedElector implements Elector {
        final List<String> events;
        final LeadershipListener hooks;
        volatile boolean leader;

        ScriptedElector(List<String> events, LeadershipListener hooks) {
            this.events = events;
            this.hooks = hooks;
        }

        void win(long token) {
            leader = true;
            hooks.onStartedLeading(new Leadership("/x/leader", token, Fence.onKey("/x/leader", token)));
        }

        void lose() {
            leader = false;
            hooks.onStoppedLeading();
        }

        @Override
        public void start() {
            synchronized (events) {
                events.add("elector-start");
            }
        }

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public void close() {
            if (leader) {
                lose(); // as the real one does; must not reach the closed component
            }
            synchronized (events) {
                events.add("elector-close");
            }
        }
    }

    @Test
    void leaderElectedLifecycleIsOrdered() throws Exception {
        List<String> events = new ArrayList<>();
        AtomicReference<ScriptedElector> elector = new AtomicReference<>();
        AtomicReference<String> electionName = new AtomicReference<>();
        ElectorFactory factory = (Etcd e, String name, String id, Duration lease, LeadershipListener hooks) -> {
            electionName.set(name + "/" + id + "/" + lease.toSeconds());
            elector.set(new ScriptedElector(events, hooks));
            return elector.get();
        };
        Recording component = new Recording(events);
        ComponentMain main = new ComponentMain(
                "sched", component, options("--leader-elect", "--leader-lease-duration", "3s"), factory);
        main.start();
        assertThat(electionName.get()).isEqualTo("sched/me/3");
        Http.await(main.healthPort(), "/readyz", Duration.ofSeconds(20), r -> r.statusCode() == 200);

        elector.get().win(7);
        assertThat(Http.get(main.healthPort(), "/metrics").body())
                .contains("leader_election_master_status{name=\"sched\"} 1.0");
        elector.get().lose();
        elector.get().lose(); // a repeated stop is not forwarded
        elector.get().win(8);

        assertThat(main.shutdown()).isZero();
        assertThat(main.shutdown()).isZero(); // idempotent
        assertThat(events)
                .containsExactly(
                        "start",
                        "elector-start",
                        "leading:7",
                        "stopped-leading",
                        "leading:8",
                        "close(etcd open=true)",
                        "elector-close");
        assertThat(component.ctx.get().etcd().isClosed()).isTrue();

        elector.get().win(9); // a late callback after shutdown is dropped
        assertThat(events).doesNotContain("leading:9");
    }

    @Test
    void withoutLeaderElectionTheComponentActsAtOnceUnfenced() throws Exception {
        List<String> events = new ArrayList<>();
        AtomicReference<Leadership> term = new AtomicReference<>();
        Recording component = new Recording(events) {
            @Override
            public void onStartedLeading(Leadership t) {
                term.set(t);
                super.onStartedLeading(t);
            }
        };
        ComponentMain main = new ComponentMain("cm", component, options(), ElectorFactory.UNAVAILABLE);
        main.start();
        assertThat(term.get()).isEqualTo(Leadership.UNELECTED);
        assertThat(term.get().fence()).isSameAs(Fence.NONE);
        assertThat(main.shutdown()).isZero();
        assertThat(events).containsExactly("start", "leading:0", "close(etcd open=true)");
    }

    @Test
    void leaderElectWithoutAnElectorFailsStartupAndCleansUp() {
        List<String> events = new ArrayList<>();
        Recording component = new Recording(events);
        ComponentMain main = new ComponentMain("cm", component, options("--leader-elect"), ElectorFactory.UNAVAILABLE);
        assertThatThrownBy(main::start)
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("kubelite cm: cannot start leader election: leader election is not available");
        assertThat(events).containsExactly("start", "close(etcd open=true)");
        assertThat(component.ctx.get().etcd().isClosed()).isTrue();
        assertThat(main.awaitShutdown()).isZero();
    }

    @Test
    void fatalFromTheComponentStopsTheProcessWithExitCodeOne() throws Exception {
        List<String> events = new ArrayList<>();
        Recording component = new Recording(events);
        ComponentMain main = new ComponentMain("cm", component, options(), ElectorFactory.UNAVAILABLE);
        main.start();
        // From a component thread, as a dying informer would.
        Thread t = new Thread(() -> component.ctx.get().fatal("informer gave up", new IllegalStateException("boom")));
        t.start();
        t.join(5_000);
        assertThat(main.awaitShutdown()).isEqualTo(1);
        assertThat(events).containsExactly("start", "leading:0", "close(etcd open=true)");
    }

    @Test
    void componentStartFailureIsAStartupError() {
        Component failing = new Component() {
            @Override
            public void start(ComponentContext ctx) {
                throw new IllegalStateException("informers could not list pods");
            }

            @Override
            public void close() {}
        };
        ComponentMain main = new ComponentMain("cm", failing, options(), ElectorFactory.UNAVAILABLE);
        assertThatThrownBy(main::start)
                .isInstanceOf(StartupException.class)
                .hasMessage("kubelite cm: component failed to start: informers could not list pods");
    }
}
