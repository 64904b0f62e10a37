package io.kubelite.bench.network;

import io.kubelite.bench.common.Percentiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * dnsperf-style load: one UDP socket keeps a fixed number of queries outstanding, sending the
 * next as soon as an answer (or a timeout) frees a slot, walking a fixed list of queries in
 * order as dnsperf walks its data file. Answers are matched by message ID; a query unanswered
 * after the timeout is lost (dnsperf's default timeout is 5 s; 1 s here). Only queries sent
 * in the measured window, after a warm-up, count.
 */
final class DnsLoad {
    /** Queries answered per second, the latency of answers, lost queries and answers by rcode. */
    record Result(long sent, long answered, long lost, double seconds, Percentiles latency, long[] rcodes) {
        double qps() {
            return answered / seconds;
        }
    }

    private DnsLoad() {}

    /** {@code queries}: wire-format queries whose first two bytes (the ID) are overwritten. */
    static Result run(
            int port, List<byte[]> queries, int inflight, long warmupMillis, long measureMillis, long timeoutMillis)
            throws Exception {
        AtomicLongArray sentAt = new AtomicLongArray(65_536);
        Semaphore slots = new Semaphore(inflight);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        AtomicLong lost = new AtomicLong();
        long[] rcodes = new long[16];
        long[][] latencies = {new long[1 << 16]};
        int[] answered = {0};
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            Thread receiver = new Thread(
                    () -> {
                        ByteBuffer in = ByteBuffer.allocate(65_535);
                        while (true) {
                            in.clear();
                            try {
                                ch.receive(in);
                            } catch (ClosedChannelException e) {
                                return;
                            } catch (IOException e) {
                                continue; // e.g. ICMP port unreachable before the server reads
                            }
                            long now = System.nanoTime();
                            if (in.position() < 4) {
                                continue;
                            }
                            int id = ((in.get(0) & 0xff) << 8) | (in.get(1) & 0xff);
                            long t = sentAt.getAndSet(id, 0);
                            if (t == 0) {
                                continue; // already counted lost
                            }
                            slots.release();
                            if (t >= measureFrom && t < end) {
                                rcodes[in.get(3) & 0x0f]++;
                                if (answered[0] == latencies[0].length) {
                                    latencies[0] = Arrays.copyOf(latencies[0], latencies[0].length * 2);
                                }
                                latencies[0][answered[0]++] = now - t;
                            }
                        }
                    },
                    "dnsload-receive");
            receiver.setDaemon(true);
            receiver.start();
            ByteBuffer out = ByteBuffer.allocate(65_535);
            long sent = 0;
            int next = 0;
            int id = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (!slots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    sweep(sentAt, System.nanoTime() - timeout, measureFrom, end, lost, slots);
                    continue;
                }
                byte[] q = queries.get(next);
                next = (next + 1) % queries.size();
                // skip IDs still outstanding (only after 65,536 queries in one timeout)
                while (sentAt.get(id) != 0) {
                    id = (id + 1) & 0xffff;
                }
                out.clear();
                out.put(q);
                out.putShort(0, (short) id);
                out.flip();
                long t = System.nanoTime();
                sentAt.set(id, t);
                ch.write(out);
                if (t >= measureFrom) {
                    sent++;
                }
                id = (id + 1) & 0xffff;
            }
            // let the last answers arrive, then count what is still out as lost
            long drain = System.nanoTime() + timeout;
            while (slots.availablePermits() < inflight && System.nanoTime() < drain) {
                Thread.sleep(5);
            }
            sweep(sentAt, Long.MAX_VALUE, measureFrom, end, lost, slots);
            ch.close();
            receiver.join(5_000);
            return new Result(
                    sent,
                    answered[0],
                    lost.get(),
                    measureMillis / 1000.0,
                    Percentiles.of(Arrays.copyOf(latencies[0], answered[0])),
                    rcodes);
        }
    }

    /** Counts queries sent before {@code olderThan} and still unanswered as lost, freeing their slots. */
    private static void sweep(
            AtomicLongArray sentAt, long olderThan, long measureFrom, long end, AtomicLong lost, Semaphore slots) {
        for (int i = 0; i < sentAt.length(); i++) {
            long t = sentAt.get(i);
            if (t != 0 && t < olderThan && sentAt.compareAndSet(i, t, 0)) {
                slots.release();
                if (t >= measureFrom && t < end) {
                    lost.incrementAndGet();
                }
            }
        }
    }
}
