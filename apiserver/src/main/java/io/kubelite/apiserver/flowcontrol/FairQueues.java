package io.kubelite.apiserver.flowcontrol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fair part of fair queuing: every flow's FIFO queue, and which queued request gets the next
 * free seat. The next one comes from the flow with the fewest requests executing among the flows
 * with requests queued, ties going round-robin (a flow served goes to the back of the line), so a
 * flow with hundreds of requests queued delays another flow's next request by about one request
 * per busy flow, not by its whole queue. A flow is forgotten once it has nothing queued or
 * executing: memory stays bounded by the requests in the server. Guarded by its controller's lock.
 */
final class FairQueues {
    private final int queueLengthPerFlow;
    private final Map<String, FlowQueue> flows = new HashMap<>();
    /** The flows with requests queued, in round-robin order. */
    private final List<FlowQueue> ready = new ArrayList<>();

    private int queued;

    FairQueues(int queueLengthPerFlow) {
        this.queueLengthPerFlow = queueLengthPerFlow;
    }

    /** The flow named {@code name}, made if new (to be {@link #forgetIfIdle forgotten} when idle again). */
    FlowQueue flow(String name) {
        return flows.computeIfAbsent(name, FlowQueue::new);
    }

    /** Requests queued, all flows. */
    int queued() {
        return queued;
    }

    /** Flows with anything queued or executing. */
    int flows() {
        return flows.size();
    }

    /** Queues {@code t} at the back of its flow; false when the flow's queue is full. */
    boolean offer(Ticket t) {
        FlowQueue f = t.flow();
        if (f.queued() >= queueLengthPerFlow) {
            return false;
        }
        if (f.queued() == 0) {
            ready.add(f);
        }
        f.add(t);
        queued++;
        return true;
    }

    /** Takes the next request to run, fairly; null when none is queued. */
    Ticket next() {
        if (ready.isEmpty()) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < ready.size(); i++) {
            if (ready.get(i).executing() < ready.get(best).executing()) {
                best = i;
            }
        }
        FlowQueue f = ready.remove(best);
        Ticket t = f.poll();
        queued--;
        if (f.queued() > 0) {
            ready.add(f); // round-robin: back of the line
        }
        return t;
    }

    /** Takes {@code t} out of its flow's queue (its client left, or it waited too long); false if not queued. */
    boolean remove(Ticket t) {
        FlowQueue f = t.flow();
        if (!f.remove(t)) {
            return false;
        }
        queued--;
        if (f.queued() == 0) {
            ready.remove(f);
        }
        forgetIfIdle(f);
        return true;
    }

    /** Takes out every request queued since before {@code deadlineNanos} (each flow's queue is in arrival order). */
    List<Ticket> removeEnteredBefore(long deadlineNanos) {
        List<Ticket> out = new ArrayList<>();
        for (FlowQueue f : List.copyOf(ready)) {
            Ticket head;
            while ((head = f.peek()) != null && head.enteredNanos() - deadlineNanos < 0) {
                remove(head);
                out.add(head);
            }
        }
        return out;
    }

    /** Takes out every queued request. */
    List<Ticket> drain() {
        List<Ticket> out = new ArrayList<>();
        Ticket t;
        while ((t = next()) != null) {
            out.add(t);
        }
        for (Iterator<FlowQueue> it = flows.values().iterator(); it.hasNext(); ) {
            if (it.next().idle()) {
                it.remove();
            }
        }
        return out;
    }

    /** Drops {@code f} from the flows once it has nothing queued or executing. */
    void forgetIfIdle(FlowQueue f) {
        if (f.idle()) {
            flows.remove(f.name(), f);
        }
    }
}
