package io.kubelite.store.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP front for tests: what a load balancer or a Service VIP is in production.
 * Clients use {@link #url()}; each new connection is piped to the socket {@link Upstream}
 * opens for it (or closed at once when it opens none), so the servers behind can die and
 * change while the client's address stays. {@link #breakAll} breaks every open connection,
 * as the death of a server does; {@link #freezeAll} makes every open connection go silent
 * while it stays open, as a frozen (SIGSTOPped) server does. Daemon threads: one accepting,
 * two per connection.
 */
public final class LoopbackTcpFront implements AutoCloseable {
    /** Opens the upstream of a new client connection; null refuses the connection. */
    public interface Upstream {
        Socket connect();
    }

    private final ServerSocket server;
    private final Upstream upstream;
    private final String name;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> frozen = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public LoopbackTcpFront(String name, Upstream upstream) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, name + "-accept");
        t.setDaemon(true);
        t.start();
    }

    /** A connection to {@code port} on loopback, or null when nothing accepts there within 1 s. */
    public static Socket connect(int port) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            return null;
        }
    }

    /** Client connections open now (each is piped to one upstream connection). */
    public int openConnections() {
        return open.size() / 2;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Breaks every open connection (new ones are still accepted). */
    public void breakAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        thaw(); // a held pump sees its socket closed
    }

    /**
     * Freezes every open connection: from now on nothing more passes either way (what arrives
     * is held back), but both ends stay connected, so only a client's own timeout can tell.
     * New connections are not affected.
     */
    public void freezeAll() {
        frozen.addAll(open);
    }

    /** A frozen peer: holds the pump (and the bytes it read) until the connection is broken. */
    private void holdWhileFrozen(Socket from) throws InterruptedException {
        synchronized (frozen) {
            while (frozen.contains(from) && !from.isClosed()) {
                frozen.wait();
            }
        }
    }

    private void thaw(Socket... sockets) {
        synchronized (frozen) {
            for (Socket s : sockets) {
                frozen.remove(s);
            }
            frozen.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed, or a failed accept: the loop condition decides
            }
            Socket up = upstream.connect();
            if (up == null) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(up);
            pump(client, up);
            pump(up, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            holdWhileFrozen(from);
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        // one side went away: close both below
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                        thaw(from, to);
                    }
                },
                name + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        breakAll();
    }
}
