package io.kubelite.apiserver.flowcontrol;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fair queue itself, deterministically: a fake clock, no threads, no sleeps. */
class FlowControllerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    /** What the waiters were told, in order: "A1 started", "B2 rejected time-out". */
    private final List<String> events = new ArrayList<>();

    private final Map<String, Ticket> tickets = new HashMap<>();

    private FlowController controller(int seats, int queueLength, Duration wait) {
        return new FlowController(seats, new FlowControlConfig(queueLength, wait), registry, now::get);
    }

    /** Request {@code name} of flow {@code flow} enters {@code c}. */
    private Ticket enter(FlowController c, String flow, String name) {
        Ticket t = c.enter(flow, PriorityLevel.GLOBAL_DEFAULT, waiter(name));
        tickets.put(name, t);
        return t;
    }

    private Waiter waiter(String name) {
        return new Waiter() {
            @Override
            public void start() {
                events.add(name + " started");
            }

            @Override
            public void reject(Rejection why) {
                events.add(name + " rejected " + why.label());
            }
        };
    }

    private double rejected(String reason) {
        Counter c = registry.find("apiserver_flowcontrol_rejected_requests_total")
                .tags("reason", reason, "priority_level", "global-default")
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFreeSeatRunsAtOnceAndABusyServerQueues() {
        FlowController c = controller(2, 10, Duration.ofSeconds(15));
        assertThat(enter(c, "a", "A1").entry()).isEqualTo(Ticket.Entry.EXECUTING);
        assertThat(enter(c, "b", "B1").entry()).isEqualTo(Ticket.Entry.EXECUTING);
        assertThat(enter(c, "a", "A2").entry()).isEqualTo(Ticket.Entry.QUEUED);
        assertThat(c.executing()).isEqualTo(2);
        assertThat(c.queued()).isEqualTo(1);
        assertThat(registry.get("apiserver_flowcontrol_current_inqueue_requests")
                        .tag("priority_level", "global-default")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("apiserver_flowcontrol_current_executing_requests")
                        .tag("priority_level", "global-default")
                        .gauge()
                        .value())
                .isEqualTo(2);
        assertThat(events).isEmpty();

        tickets.get("B1").done();
        assertThat(events).containsExactly("A2 started");
        assertThat(c.executing()).isEqualTo(2);
        assertThat(c.queued()).isZero();
    }

    @Test
    void freedSeatsGoRoundRobinAcrossFlowsNotInArrivalOrder() {
        FlowController c = controller(1, 10, Duration.ofSeconds(15));
        enter(c, "a", "A0");
        for (String n : List.of("A1", "A2", "A3", "B1", "B2", "C1")) {
            assertThat(enter(c, n.substring(0, 1).toLowerCase(), n).entry()).isEqualTo(Ticket.Entry.QUEUED);
        }
        List<String> order = new ArrayList<>();
        String running = "A0";
        for (int i = 0; i < 6; i++) {
            events.clear();
            tickets.get(running).done();
            assertThat(events).as("one seat freed, one request started").hasSize(1);
            running = events.get(0).replace(" started", "");
            order.add(running);
        }
        // arrival order would be A1 A2 A3 B1 B2 C1: B and C would wait for all of A's queue
        assertThat(order).containsExactly("A1", "B1", "C1", "A2", "B2", "A3");
        tickets.get(running).done();
        assertThat(c.executing()).isZero();
        assertThat(c.flows()).as("idle flows are forgotten").isZero();
    }

    @Test
    void theFlowWithFewestExecutingGoesFirst() {
        FlowController c = controller(3, 10, Duration.ofSeconds(15));
        enter(c, "noisy", "N1");
        enter(c, "noisy", "N2");
        enter(c, "noisy", "N3");
        for (int i = 4; i <= 20; i++) {
            enter(c, "noisy", "N" + i);
        }
        enter(c, "quiet", "Q1");
        tickets.get("N1").done();
        // noisy queued first and still has 2 running; quiet has none: quiet's request is next
        assertThat(events).containsExactly("Q1 started");
    }

    @Test
    void aFullFlowQueueIsRefusedAtOnceWithoutHurtingOtherFlows() {
        FlowController c = controller(1, 2, Duration.ofSeconds(15));
        enter(c, "a", "A0");
        enter(c, "a", "A1");
        enter(c, "a", "A2");
        Ticket full = enter(c, "a", "A3");
        assertThat(full.entry()).isEqualTo(Ticket.Entry.REJECTED);
        assertThat(full.rejection()).isEqualTo(Rejection.QUEUE_FULL);
        assertThat(enter(c, "b", "B1").entry()).isEqualTo(Ticket.Entry.QUEUED);
        assertThat(rejected("queue-full")).isEqualTo(1);
        assertThat(events).as("a refusal on entry is the caller's to answer").isEmpty();
        full.done(); // the refused request's answer ends: nothing to give back
        assertThat(c.executing()).isEqualTo(1);
        assertThat(c.queued()).isEqualTo(3);
    }

    @Test
    void aRequestWaitingLongerThanTheQueueWaitIsRefused() {
        FlowController c = controller(1, 10, Duration.ofSeconds(1));
        enter(c, "a", "A0");
        enter(c, "a", "A1");
        now.set(Duration.ofMillis(500).toNanos());
        enter(c, "b", "B1");
        now.set(Duration.ofMillis(999).toNanos());
        c.expireOverdue();
        assertThat(events).isEmpty();
        now.set(Duration.ofMillis(1200).toNanos());
        c.expireOverdue();
        assertThat(events).containsExactly("A1 rejected time-out");
        now.set(Duration.ofMillis(1600).toNanos());
        c.expireOverdue();
        assertThat(events).containsExactly("A1 rejected time-out", "B1 rejected time-out");
        assertThat(rejected("time-out")).isEqualTo(2);
        assertThat(c.queued()).isZero();
        tickets.get("A1").done(); // its 429 ended
        tickets.get("A0").done();
        assertThat(events).as("nothing left to start").hasSize(2);
        assertThat(c.flows()).isZero();
    }

    @Test
    void aRequestWhoseClientLeftWhileQueuedNeverRuns() {
        FlowController c = controller(1, 10, Duration.ofSeconds(15));
        enter(c, "a", "A0");
        enter(c, "b", "B1");
        enter(c, "b", "B2");
        tickets.get("B1").done(); // the connection closed
        assertThat(rejected("cancelled")).isEqualTo(1);
        tickets.get("A0").done();
        assertThat(events).containsExactly("B2 started");
        tickets.get("B1").done(); // again: nothing
        assertThat(rejected("cancelled")).isEqualTo(1);
        assertThat(c.executing()).isEqualTo(1);
    }

    @Test
    void systemMastersAreExemptNeverQueuedNorRefused() {
        assertThat(PriorityLevel.of(List.of("system:masters", "system:authenticated")))
                .isEqualTo(PriorityLevel.EXEMPT);
        assertThat(PriorityLevel.of(List.of("system:authenticated"))).isEqualTo(PriorityLevel.GLOBAL_DEFAULT);
        FlowController c = controller(0, 10, Duration.ofSeconds(15));
        Ticket admin = c.enter("admin", PriorityLevel.EXEMPT, waiter("X1"));
        assertThat(admin.entry()).isEqualTo(Ticket.Entry.EXECUTING);
        assertThat(c.exemptExecuting()).isEqualTo(1);
        Ticket user = enter(c, "alice", "A1");
        assertThat(user.entry())
                .as("0 seats: everything not exempt is refused at once")
                .isEqualTo(Ticket.Entry.REJECTED);
        assertThat(user.rejection()).isEqualTo(Rejection.CONCURRENCY_LIMIT);
        admin.done();
        admin.done();
        assertThat(c.exemptExecuting()).isZero();
        assertThat(c.flows()).isZero();
    }

    @Test
    void closingRefusesTheQueuedAndNewcomersOnce() {
        FlowController c = controller(1, 10, Duration.ofSeconds(15));
        enter(c, "a", "A0");
        enter(c, "a", "A1");
        enter(c, "b", "B1");
        c.close();
        c.close();
        assertThat(events).containsExactlyInAnyOrder("A1 rejected shutdown", "B1 rejected shutdown");
        Ticket late = enter(c, "c", "C1");
        assertThat(late.rejection()).isEqualTo(Rejection.SHUTDOWN);
        tickets.get("A0").done();
        assertThat(events).hasSize(2);
        assertThat(c.executing()).isZero();
    }
}
