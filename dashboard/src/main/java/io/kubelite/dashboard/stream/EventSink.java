package io.kubelite.dashboard.stream;

/** Where a subscription's events go: one browser tab's Server-Sent Events stream. */
public interface EventSink {
    /** False while the connection's write queue is full (the browser is not keeping up). */
    boolean writable();

    /** Sends one event; may be called from any thread (the sink hands it to its event loop). */
    void send(String event, String data);
}
