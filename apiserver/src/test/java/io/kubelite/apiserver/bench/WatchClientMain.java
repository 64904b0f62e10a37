package io.kubelite.apiserver.bench;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's watcher client, run in its own process so that its CPU is not the API
 * server's: N plain HTTP/1.1 watch connections on one NIO selector thread. For every event
 * line it records the receipt time ({@link System#nanoTime()}: CLOCK_MONOTONIC on Linux, the
 * same clock in every process of the machine) against the first {@code "resourceVersion"}
 * of the line, scanning bytes as they arrive (no JSON parsing, no per-line objects).
 *
 * <p>Usage: {@code WatchClientMain host port path count out-file}. Protocol on stdout:
 * {@code opened N} once every connection has its 200 response head, then
 * {@code received N} (deliveries so far) every 100 ms while it changes. A line {@code dump}
 * on stdin makes it write {@code out-file} (binary: per delivery long rv, long nanos),
 * print {@code dumped N} and exit. It exits on its own when stdin closes (the benchmark died).
 */
public final class WatchClientMain {
    private static final byte[] PATTERN = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private WatchClientMain() {}

    /** One watch connection's parse state and its deliveries. */
    static final class Conn {
        final SocketChannel ch;
        boolean headDone;
        int headMatch;
        final StringBuilder head = new StringBuilder();
        int match;
        boolean inDigits;
        boolean seenInLine;
        long value;
        long[] rvs = new long[256];
        long[] times = new long[256];
        int n;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void add(long rv, long t) {
            if (n == rvs.length) {
                rvs = Arrays.copyOf(rvs, n * 2);
                times = Arrays.copyOf(times, n * 2);
            }
            rvs[n] = rv;
            times[n] = t;
            n++;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: WatchClientMain host port path count out-file");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int count = Integer.parseInt(args[3]);
        Path outFile = Path.of(args[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AtomicBoolean dump = new AtomicBoolean();
        Thread stdin = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            if (l.trim().equals("dump")) {
                                dump.set(true);
                                return;
                            }
                        }
                    } catch (IOException ignored) {
                        // the benchmark went away
                    }
                    System.exit(3);
                },
                "stdin");
        stdin.setDaemon(true);
        stdin.start();

        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                        + "\r\nAccept: application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Conn[] conns = new Conn[count];
        AtomicLong deliveries = new AtomicLong();
        int opened = 0;
        int connecting = 0;
        int next = 0;
        long lastReported = -1;
        long lastReport = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        byte[] bytes = new byte[buf.capacity()];
        try (Selector sel = Selector.open()) {
            while (!dump.get()) {
                // at most 100 connects in flight, as a real client fleet would ramp up
                while (next < count && connecting < 100) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    Conn c = new Conn(ch);
                    conns[next++] = c;
                    connecting++;
                    if (ch.connect(new InetSocketAddress(host, port))) {
                        ch.write(ByteBuffer.wrap(request));
                        ch.register(sel, SelectionKey.OP_READ, c);
                    } else {
                        ch.register(sel, SelectionKey.OP_CONNECT, c);
                    }
                }
                sel.select(100);
                long now = System.nanoTime();
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (k.isConnectable()) {
                        c.ch.finishConnect();
                        c.ch.write(ByteBuffer.wrap(request));
                        k.interestOps(SelectionKey.OP_READ);
                        continue;
                    }
                    buf.clear();
                    int r = c.ch.read(buf);
                    if (r < 0) {
                        throw new IllegalStateException("a watch connection was closed by the server");
                    }
                    buf.flip();
                    buf.get(bytes, 0, r);
                    boolean wasOpen = c.headDone;
                    scan(c, bytes, r, now, deliveries);
                    if (!wasOpen && c.headDone) {
                        opened++;
                        connecting--;
                        if (opened == count) {
                            out.println("opened " + opened);
                        }
                    }
                }
                if (now - lastReport > 100_000_000L) {
                    lastReport = now;
                    long d = deliveries.get();
                    if (d != lastReported) {
                        lastReported = d;
                        out.println("received " + d);
                    }
                }
            }
            long total = 0;
            try (DataOutputStream o =
                    new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(outFile), 1 << 20))) {
                for (Conn c : conns) {
                    for (int i = 0; c != null && i < c.n; i++) {
                        o.writeLong(c.rvs[i]);
                        o.writeLong(c.times[i]);
                        total++;
                    }
                }
            }
            for (Conn c : conns) {
                if (c != null) {
                    c.ch.close();
                }
            }
            out.println("dumped " + total);
        }
        System.exit(0);
    }

    /** Feeds received bytes through the head parser, then the resourceVersion matcher. */
    static void scan(Conn c, byte[] b, int len, long now, AtomicLong deliveries) {
        int i = 0;
        if (!c.headDone) {
            for (; i < len && !c.headDone; i++) {
                c.head.append((char) b[i]);
                c.headMatch = b[i] == HEAD_END[c.headMatch] ? c.headMatch + 1 : (b[i] == '\r' ? 1 : 0);
                if (c.headMatch == HEAD_END.length) {
                    c.headDone = true;
                    if (!c.head.toString().startsWith("HTTP/1.1 200")) {
                        throw new IllegalStateException(
                                "watch refused: " + c.head.toString().trim());
                    }
                }
            }
        }
        for (; i < len; i++) {
            byte x = b[i];
            if (c.inDigits) {
                if (x >= '0' && x <= '9') {
                    c.value = c.value * 10 + (x - '0');
                    continue;
                }
                c.inDigits = false;
                c.add(c.value, now);
                deliveries.incrementAndGet();
            }
            if (x == '\n') {
                c.seenInLine = false;
                c.match = 0;
                continue;
            }
            if (c.seenInLine) {
                continue;
            }
            if (x == PATTERN[c.match]) {
                c.match++;
                if (c.match == PATTERN.length) {
                    c.match = 0;
                    c.inDigits = true;
                    c.seenInLine = true;
                    c.value = 0;
                }
            } else {
                c.match = x == PATTERN[0] ? 1 : 0;
            }
        }
    }
}
