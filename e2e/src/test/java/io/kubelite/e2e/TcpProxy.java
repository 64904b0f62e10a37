package io.kubelite.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP front for several API servers, as a load balancer or a VIP is in
 * production: each new connection goes to the first backend that accepts it, so when a
 * backend dies, its open connections break and the client's reconnect lands on the next
 * one. Clients point at {@link #url()} and know nothing of the replicas.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Integer> backends;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger[] connections;
    private volatile boolean closed;

    TcpProxy(List<Integer> backendPorts) throws IOException {
        this.backends = List.copyOf(backendPorts);
        this.connections = new AtomicInteger[backends.size()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new AtomicInteger();
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tcp-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections made to backend {@code i} so far. */
    int connections(int i) {
        return connections[i].get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = connect();
                if (upstream == null) {
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    Timings.log("proxy: " + e);
                }
            }
        }
    }

    private Socket connect() {
        for (int i = 0; i < backends.size(); i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backends.get(i)), 1000);
                s.setTcpNoDelay(true);
                connections[i].incrementAndGet();
                return s;
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to close
                }
            }
        }
        return null;
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
