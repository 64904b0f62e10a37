package io.kubelite.bench.logs;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One simulated node's log agent honouring the ingest contract: one request in flight, each
 * stream in {@code seq} order, a batch of {@code perStream} lines of every one of its streams
 * per request, the next batch as soon as the last was acknowledged (a node with a backlog). A
 * refused or failed batch is resent as is, as an agent resends from its last acknowledged mark.
 * Stops when the shared line budget is spent or {@link #stop()} is called.
 */
final class NodeAgent implements Runnable {
    private final BenchStream[] streams;
    private final int streamIndexBase;
    private final int perStream;
    private final IngestClient client;
    private final IngestBody bodies;
    private final AtomicLong budget;
    private final LongAdder stored;
    private final LongAdder failures;
    private final LatencyLog requests;
    private volatile boolean stopped;
    private volatile String lastError;

    NodeAgent(
            BenchStream[] streams,
            int streamIndexBase,
            int perStream,
            IngestClient client,
            SyntheticLog log,
            AtomicLong budget,
            LongAdder stored,
            LongAdder failures,
            LatencyLog requests) {
        this.streams = streams;
        this.streamIndexBase = streamIndexBase;
        this.perStream = perStream;
        this.client = client;
        this.bodies = new IngestBody(log);
        this.budget = budget;
        this.stored = stored;
        this.failures = failures;
        this.requests = requests;
    }

    int linesPerRequest() {
        return streams.length * perStream;
    }

    @Override
    public void run() {
        int n = linesPerRequest();
        while (!stopped && budget.getAndAdd(-n) > 0) {
            byte[] body = bodies.build(streams, streamIndexBase, perStream, System.currentTimeMillis() * 1_000_000L);
            while (!stopped) {
                long t0 = System.nanoTime();
                IngestClient.Ack ack;
                try {
                    ack = client.post(body);
                } catch (java.io.IOException e) {
                    ack = new IngestClient.Ack(-1, 0, 0, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (ack.ok()) {
                    requests.add(System.nanoTime() - t0);
                    if (ack.accepted() + ack.duplicates() != n) {
                        lastError = "store acknowledged " + ack.accepted() + " + " + ack.duplicates()
                                + " duplicate lines of " + n;
                        failures.increment();
                    }
                    stored.add(ack.accepted());
                    for (BenchStream s : streams) {
                        s.advance(perStream);
                    }
                    break;
                }
                failures.increment();
                lastError = "HTTP " + ack.status() + ": " + ack.error();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void stop() {
        stopped = true;
    }

    /** The last failure this agent saw, or null. */
    String lastError() {
        return lastError;
    }
}
