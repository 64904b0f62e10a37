package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Watch service. One notifier thread moves every watcher from its next revision up
 * to the durable revision, from the same event log that serves history replay, so a
 * watcher created at an old revision and one that is caught up take the same path.
 * Events of one revision are never split across responses.
 */
final class WatchHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    private static final int MAX_REVS_PER_RESPONSE = 1000;
    private static final int SOFT_MAX_RESPONSE_BYTES = 1 << 20;

    private final Backend be;
    private final long progressIntervalNanos;
    private final int fragmentBytes;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final Object mu = new Object();
    private boolean dirty;
    private boolean closed;
    private final Thread notifier;

    WatchHub(Backend be, long progressIntervalMillis, int maxRequestBytes) {
        this.be = be;
        // etcd's watch server fragments at max-request-bytes plus its 512 KiB gRPC overhead allowance
        this.fragmentBytes = maxRequestBytes + WatchFragments.GRPC_OVERHEAD_BYTES;
        this.progressIntervalNanos = progressIntervalMillis * 1_000_000L;
        be.onDurable(this::kick);
        notifier = new Thread(this::loop, "etcdlite-watch");
        notifier.setDaemon(true);
        notifier.start();
    }

    void kick() {
        synchronized (mu) {
            dirty = true;
            mu.notifyAll();
        }
    }

    private void loop() {
        long waitMillis = Math.max(10, Math.min(1000, progressIntervalNanos / 2_000_000L));
        while (true) {
            synchronized (mu) {
                if (!dirty && !closed) {
                    try {
                        mu.wait(waitMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                dirty = false;
            }
            long upTo = be.durableRev();
            long now = System.nanoTime();
            for (Stream s : streams) {
                try {
                    s.pump(upTo, now);
                } catch (RuntimeException e) {
                    LOG.warn("watch stream failed; closing it", e);
                    s.fail(e);
                }
            }
        }
    }

    /** The Watch service, answering with {@link WatchWire}'s pre-serialised event responses. */
    ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder("etcdserverpb.Watch")
                .addMethod(WatchWire.METHOD, ServerCalls.asyncBidiStreamingCall(this::watch))
                .build();
    }

    StreamObserver<WatchRequest> watch(StreamObserver<WatchWire.Outbound> out) {
        Stream s = new Stream(out);
        streams.add(s);
        return s;
    }

    // the serialised header of the last revision delivered; notifier thread only
    private long headerRev = -1;
    private byte[] headerBytes;

    private byte[] headerBytes(long rev) {
        if (rev != headerRev) {
            headerBytes = WatchWire.header(be.header(rev));
            headerRev = rev;
        }
        return headerBytes;
    }

    @Override
    public void close() {
        synchronized (mu) {
            closed = true;
            mu.notifyAll();
        }
        for (Stream s : streams) {
            s.fail(Errors.stopped());
        }
    }

    private static final class Watcher {
        final long id;
        final ByteString key;
        final ByteString end;
        final boolean prevKv;
        final boolean noPut;
        final boolean noDelete;
        final boolean progressNotify;
        final boolean fragment;
        long nextRev;
        long lastSentNanos = System.nanoTime();

        Watcher(long id, WatchCreateRequest r, long nextRev) {
            this.id = id;
            this.key = r.getKey();
            this.end = r.getRangeEnd();
            this.prevKv = r.getPrevKv();
            this.noPut = r.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
            this.noDelete = r.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
            this.progressNotify = r.getProgressNotify();
            this.fragment = WatchFragments.requested(r);
            this.nextRev = nextRev;
        }

        boolean wants(Event e) {
            if (e.getType() == Event.EventType.PUT ? noPut : noDelete) {
                return false;
            }
            return Mvcc.inRange(e.getKv().getKey(), key, end);
        }
    }

    private final class Stream implements StreamObserver<WatchRequest> {
        private final StreamObserver<WatchWire.Outbound> out;
        private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
        private long nextId;
        private boolean progressRequested;
        private boolean done;

        Stream(StreamObserver<WatchWire.Outbound> out) {
            this.out = out;
        }

        private void send(WatchResponse r) {
            out.onNext(WatchWire.of(r));
        }

        @Override
        public synchronized void onNext(WatchRequest req) {
            if (done) {
                return;
            }
            switch (req.getRequestUnionCase()) {
                case CREATE_REQUEST -> {
                    WatchCreateRequest cr = req.getCreateRequest();
                    long cur = be.durableRev();
                    long id = nextId++;
                    send(WatchResponse.newBuilder()
                            .setHeader(be.header(cur))
                            .setWatchId(id)
                            .setCreated(true)
                            .build());
                    Watcher w = new Watcher(id, cr, cr.getStartRevision() > 0 ? cr.getStartRevision() : cur + 1);
                    watchers.put(id, w);
                    kick();
                }
                case CANCEL_REQUEST -> {
                    long id = req.getCancelRequest().getWatchId();
                    if (watchers.remove(id) != null) {
                        send(WatchResponse.newBuilder()
                                .setHeader(be.header(be.durableRev()))
                                .setWatchId(id)
                                .setCanceled(true)
                                .build());
                    }
                }
                case PROGRESS_REQUEST -> {
                    progressRequested = true;
                    kick();
                }
                default -> {}
            }
        }

        @Override
        public void onError(Throwable t) {
            end(false);
        }

        @Override
        public void onCompleted() {
            end(true);
        }

        private synchronized void end(boolean complete) {
            streams.remove(this);
            if (!done) {
                done = true;
                watchers.clear();
                if (complete) {
                    try {
                        out.onCompleted();
                    } catch (RuntimeException ignored) {
                        // the call is already gone
                    }
                }
            }
        }

        synchronized void fail(Throwable t) {
            streams.remove(this);
            if (!done) {
                done = true;
                watchers.clear();
                try {
                    out.onError(Rpc.status(t));
                } catch (RuntimeException ignored) {
                    // the call is already gone
                }
            }
        }

        synchronized void pump(long upTo, long now) {
            if (done) {
                return;
            }
            Iterator<Watcher> it = watchers.values().iterator();
            boolean allSynced = true;
            while (it.hasNext()) {
                Watcher w = it.next();
                if (!deliver(w, upTo, now)) {
                    it.remove();
                } else if (w.nextRev <= upTo) {
                    allSynced = false;
                }
            }
            if (progressRequested && allSynced) {
                progressRequested = false;
                send(WatchResponse.newBuilder()
                        .setHeader(be.header(upTo))
                        .setWatchId(-1)
                        .build());
            }
        }

        /** Moves one watcher towards upTo; false when it was cancelled for compaction. */
        private boolean deliver(Watcher w, long upTo, long now) {
            if (w.nextRev > upTo) {
                if (w.progressNotify && now - w.lastSentNanos >= progressIntervalNanos) {
                    w.lastSentNanos = now;
                    send(WatchResponse.newBuilder()
                            .setHeader(be.header(upTo))
                            .setWatchId(w.id)
                            .build());
                }
                return true;
            }
            while (w.nextRev <= upTo) {
                long from = w.nextRev;
                long to = Math.min(upTo, from + MAX_REVS_PER_RESPONSE - 1);
                List<byte[]> events = new ArrayList<>();
                long[] reached = {from - 1};
                int[] bytes = {0};
                Boolean retained = be.read(() -> {
                    if (from < be.mvcc.compactRev()) {
                        return false;
                    }
                    long[] r = {from};
                    be.mvcc.events(from, to, changes -> {
                        if (bytes[0] > SOFT_MAX_RESPONSE_BYTES) {
                            return;
                        }
                        for (Mvcc.Change c : changes) {
                            if (w.wants(c.bare())) {
                                byte[] e = c.encoded(w.prevKv);
                                events.add(e);
                                bytes[0] += e.length;
                            }
                        }
                        reached[0] = r[0]++;
                    });
                    if (from <= to && reached[0] < from) {
                        reached[0] = to; // nothing retained in between (all compacted away): skip
                    }
                    return true;
                });
                if (!retained) {
                    send(WatchResponse.newBuilder()
                            .setHeader(be.header(upTo))
                            .setWatchId(w.id)
                            .setCompactRevision(be.compactRev())
                            .setCanceled(true)
                            .build());
                    return false;
                }
                w.nextRev = reached[0] + 1;
                if (!events.isEmpty()) {
                    w.lastSentNanos = now;
                    for (WatchWire.Outbound o :
                            WatchWire.events(headerBytes(reached[0]), w.id, events, w.fragment, fragmentBytes)) {
                        out.onNext(o);
                    }
                }
            }
            return true;
        }
    }
}
