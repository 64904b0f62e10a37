package io.kubelite.e2e;

import io.kubelite.store.testing.LoopbackTcpFront;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP front for several API servers, as a load balancer or a VIP is in
 * production: each new connection goes to the first backend that accepts it, so when a
 * backend dies, its open connections break and the client's reconnect lands on the next
 * one. Clients point at {@link #url()} and know nothing of the replicas.
 */
final class TcpProxy implements AutoCloseable {
    private final List<Integer> backends;
    private final AtomicInteger[] connections;
    private final LoopbackTcpFront front;
    private final long t0 = System.nanoTime();
    private final List<String> history = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    TcpProxy(List<Integer> backendPorts) throws IOException {
        this.backends = List.copyOf(backendPorts);
        this.connections = new AtomicInteger[backends.size()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new AtomicInteger();
        }
        this.front = new LoopbackTcpFront("tcp-proxy", this::connect);
    }

    String url() {
        return front.url();
    }

    /** Connections made to backend {@code i} so far. */
    int connections(int i) {
        return connections[i].get();
    }

    private Socket connect() {
        for (int i = 0; i < backends.size(); i++) {
            Socket s = LoopbackTcpFront.connect(backends.get(i));
            if (s != null) {
                connections[i].incrementAndGet();
                history.add(ms() + " ms: connection to backend " + i + " (port " + backends.get(i) + ")");
                return s;
            }
        }
        history.add(ms() + " ms: no backend accepted a connection");
        return null;
    }

    /** Where each connection went, with the time since the front opened: for failure messages. */
    String history() {
        synchronized (history) {
            return String.join("\n", history) + "\n" + ms() + " ms: " + front.openConnections() + " connections open";
        }
    }

    private long ms() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() {
        front.close();
    }
}
