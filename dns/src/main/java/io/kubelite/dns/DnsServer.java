package io.kubelite.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * A DNS server on one address and port, UDP and TCP, answering with a {@link DnsResolver};
 * dnsjava parses queries and writes answers.
 *
 * <p>UDP answers fit in 512 bytes, or in the requester's EDNS payload size (at most
 * {@value #MAX_UDP_PAYLOAD}); a larger answer is truncated with the TC bit set so the client
 * retries over TCP. TCP connections take length-prefixed queries until the client closes,
 * idle for {@value #TCP_IDLE_MILLIS} ms, or the server closes; at most
 * {@value #MAX_TCP_CONNECTIONS} at once (more are closed at accept). A query that does not
 * parse is dropped. Port 0 picks a free port (the same for UDP and TCP). The server's own
 * threads do all the work; {@link #close()} ends them.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    static final int MAX_UDP_PAYLOAD = 4096;
    static final int TCP_IDLE_MILLIS = 10_000;
    static final int MAX_TCP_CONNECTIONS = 32;
    private static final int BIND_ATTEMPTS = 20;

    private final DnsResolver resolver;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService tcpWorkers;
    private final Thread udpThread;
    private final Thread acceptThread;
    /** Kept: a closed socket reports -1, and the port is still wanted in the closing log line. */
    private final int port;

    private final AtomicLong queries = new AtomicLong();
    /** Open TCP connections, closed by {@link #close()} (a blocked read ignores interrupts). */
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /** Binds both sockets; throws if the port is taken (for UDP or TCP). */
    public DnsServer(DnsResolver resolver, String bindAddress, int port) throws IOException {
        this.resolver = resolver;
        InetAddress addr = InetAddress.getByName(bindAddress);
        DatagramSocket u = null;
        ServerSocket t = null;
        // with port 0 the free UDP port may be taken for TCP: try again with another
        for (int attempt = 0; t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress(addr, port));
            try {
                t = new ServerSocket();
                t.setReuseAddress(true);
                t.bind(new InetSocketAddress(addr, u.getLocalPort()), 64);
            } catch (IOException e) {
                u.close();
                t = null;
                if (port != 0 || attempt >= BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
        this.udp = u;
        this.tcp = t;
        this.port = u.getLocalPort();
        this.tcpWorkers = new ThreadPoolExecutor(
                0, MAX_TCP_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> daemon(r, "dns-tcp"));
        this.udpThread = daemon(this::serveUdp, "dns-udp");
        this.acceptThread = daemon(this::acceptTcp, "dns-tcp-accept");
    }

    /** Starts serving; returns at once. */
    public void start() {
        udpThread.start();
        acceptThread.start();
        LOG.info("dns serving on {}:{} (udp+tcp)", udp.getLocalAddress().getHostAddress(), port());
    }

    public int port() {
        return port;
    }

    /** Queries answered so far (for metrics). */
    public long queries() {
        return queries.get();
    }

    /** The bytes to send for one query, or null to drop it; {@code udpLimit} 0 means TCP. */
    byte[] respond(byte[] wire, int udpLimit) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            LOG.debug("dropped an unparseable query: {}", e.toString());
            return null;
        }
        queries.incrementAndGet();
        Message resp = resolver.answer(query);
        OPTRecord opt = query.getOPT();
        int limit = 512;
        if (opt != null) {
            limit = Math.max(512, Math.min(MAX_UDP_PAYLOAD, opt.getPayloadSize()));
            resp.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        // dnsjava's toWire(max) drops whole sections that do not fit and sets TC
        return udpLimit == 0 ? resp.toWire() : resp.toWire(limit);
    }

    private void serveUdp() {
        byte[] buf = new byte[65_535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                byte[] out = respond(Arrays.copyOf(p.getData(), p.getLength()), 1);
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("dns udp: {}", e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("dns udp: answering a query failed", e);
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                try {
                    tcpWorkers.execute(() -> serveConnection(s));
                } catch (RejectedExecutionException e) {
                    LOG.warn(
                            "dns tcp: {} connections open, closing one from {}",
                            MAX_TCP_CONNECTIONS,
                            s.getRemoteSocketAddress());
                    s.close();
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("dns tcp accept: {}", e.toString());
                }
            }
        }
    }

    private void serveConnection(Socket s) {
        connections.add(s);
        try (s) {
            if (closed) {
                return;
            }
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (!closed) {
                int len = in.readUnsignedShort();
                byte[] wire = new byte[len];
                in.readFully(wire);
                byte[] resp = respond(wire, 0);
                if (resp == null) {
                    return;
                }
                out.writeShort(resp.length);
                out.write(resp);
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException | SocketException e) {
            // the client closed, went idle, or the server is closing
        } catch (IOException | RuntimeException e) {
            LOG.warn("dns tcp connection from {}: {}", s.getRemoteSocketAddress(), e.toString());
        } finally {
            connections.remove(s);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing the tcp listener: {}", e.toString());
        }
        tcpWorkers.shutdownNow();
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing a tcp connection: {}", e.toString());
            }
        }
        try {
            udpThread.join(5_000);
            acceptThread.join(5_000);
            tcpWorkers.awaitTermination(TCP_IDLE_MILLIS + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("dns server on port {} closed", port);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
