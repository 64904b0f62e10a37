package io.kubelite.cli;

import io.kubelite.store.testing.LoopbackTcpFront;
import java.io.IOException;

/**
 * A loopback TCP front with one switchable backend, so a client keeps one address while the
 * server behind it changes (as behind a load balancer). {@link #down} breaks every open
 * connection and closes new ones at once, as a dead server does; {@link #freeze} silences the
 * open ones, as a frozen server does; {@link #to} sends new connections to another port.
 */
final class SwitchableFront implements AutoCloseable {
    private final LoopbackTcpFront front;
    private final java.util.concurrent.atomic.AtomicInteger connections =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile int backend;

    SwitchableFront(int backendPort) throws IOException {
        backend = backendPort;
        front = new LoopbackTcpFront("front", () -> {
            if (backend == 0) {
                return null;
            }
            connections.incrementAndGet();
            return LoopbackTcpFront.connect(backend);
        });
    }

    /** Connections passed to a backend so far. */
    int connections() {
        return connections.get();
    }

    String url() {
        return front.url();
    }

    /** Breaks every open connection; new ones are closed on accept until {@link #to}. */
    void down() {
        backend = 0;
        front.breakAll();
    }

    /** Every open connection goes silent but stays open, as a frozen (SIGSTOPped) server's do. */
    void freeze() {
        front.freezeAll();
    }

    /** New connections go to {@code port}. */
    void to(int port) {
        backend = port;
    }

    @Override
    public void close() {
        front.close();
    }
}
