package io.kubelite.apiserver.flowcontrol;

import java.util.ArrayDeque;

/**
 * One flow (one user's requests at a non-exempt level): its waiting requests in arrival
 * order, and how many of its requests hold seats. Guarded by its controller's lock.
 */
final class FlowQueue {
    private final String name;
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    private int executing;

    FlowQueue(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    int executing() {
        return executing;
    }

    int queued() {
        return waiting.size();
    }

    boolean idle() {
        return waiting.isEmpty() && executing == 0;
    }

    void add(Ticket t) {
        waiting.addLast(t);
    }

    Ticket peek() {
        return waiting.peekFirst();
    }

    Ticket poll() {
        return waiting.pollFirst();
    }

    boolean remove(Ticket t) {
        return waiting.remove(t);
    }

    void started() {
        executing++;
    }

    void finished() {
        executing--;
    }

    @Override
    public String toString() {
        return name + "(queued " + waiting.size() + ", executing " + executing + ")";
    }
}
