package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Watch response fragmenting with a raw gRPC stub (jetcd 0.8.7 cannot ask for it), on a
 * real etcd and on etcdlite both started with {@code --max-request-bytes 65536}: the same
 * history replayed to a watcher that asked for fragments arrives split by etcd's rule;
 * one that did not ask gets it whole.
 */
class WatchFragmentConformanceTest {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** etcd fragments at max-request-bytes plus its 512 KiB gRPC overhead allowance. */
    private static final int MAX = MAX_REQUEST_BYTES + 512 * 1024;

    private static final int KEYS = 12;

    @Test
    void replayLargerThanMaxRequestBytesIsFragmentedByEtcdsRuleOnBothServers() throws Exception {
        List<List<Integer>> etcdSplit;
        List<List<Integer>> liteSplit;
        try (ProcessEtcdCluster etcd =
                ProcessEtcdCluster.start(1, "--max-request-bytes", String.valueOf(MAX_REQUEST_BYTES))) {
            etcdSplit = check(etcd.endpoints().get(0));
        }
        Path dir = Files.createTempDirectory("etcdlite-fragment");
        try (EtcdLite lite = EtcdLite.start(
                new EtcdLite.Options().dataDir(dir).listen("127.0.0.1:0").maxRequestBytes(MAX_REQUEST_BYTES))) {
            liteSplit = check(lite.endpoint());
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        // revision and value sizes are the same on both, so (headers aside) so are the fragments
        assertThat(liteSplit.stream().map(List::size).toList())
                .isEqualTo(etcdSplit.stream().map(List::size).toList());
    }

    /** Writes the history, checks both watchers, returns the fragments' event revisions. */
    private static List<List<Integer>> check(String endpoint) throws Exception {
        try (GrpcChannel ch = new GrpcChannel(endpoint)) {
            var kv = KVGrpc.newBlockingStub(ch.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            long first = 0;
            for (int i = 0; i < KEYS; i++) {
                long rev = kv.put(PutRequest.newBuilder()
                                .setKey(bs("/frag/k" + i))
                                .setValue(bs(("x" + (char) ('a' + i)).repeat(30_000)))
                                .build())
                        .getHeader()
                        .getRevision();
                first = first == 0 ? rev : first;
            }
            List<WatchResponse> whole = watch(ch, first, false);
            assertThat(whole).hasSize(1);
            assertThat(whole.get(0).getEventsCount()).isEqualTo(KEYS);
            assertThat(whole.get(0).getSerializedSize()).isGreaterThanOrEqualTo(MAX);
            assertThat(WatchFragments.isFragment(whole.get(0))).isFalse();

            List<WatchResponse> frags = watch(ch, first, true);
            assertThat(frags.size()).isGreaterThan(1);
            List<Event> all = new ArrayList<>();
            List<List<Integer>> split = new ArrayList<>();
            for (int i = 0; i < frags.size(); i++) {
                WatchResponse f = frags.get(i);
                boolean last = i == frags.size() - 1;
                assertThat(WatchFragments.isFragment(f))
                        .as("fragment flag of response %d", i)
                        .isEqualTo(!last);
                assertThat(f.getWatchId()).isEqualTo(whole.get(0).getWatchId());
                int flagged = WatchFragments.markFragment(f.toBuilder()).build().getSerializedSize();
                if (f.getEventsCount() > 1) {
                    assertThat(flagged)
                            .as("a fragment of several events stays below the limit")
                            .isLessThan(MAX);
                }
                if (!last) {
                    Event next = frags.get(i + 1).getEvents(0);
                    int withNext = WatchFragments.markFragment(f.toBuilder().addEvents(next))
                            .build()
                            .getSerializedSize();
                    assertThat(withNext)
                            .as("fragment %d is as full as the rule allows", i)
                            .isGreaterThanOrEqualTo(MAX);
                }
                all.addAll(f.getEventsList());
                split.add(f.getEventsList().stream()
                        .map(e -> (int) e.getKv().getModRevision())
                        .toList());
            }
            assertThat(all).isEqualTo(whole.get(0).getEventsList());
            return split;
        }
    }

    /** Watches /frag/ from {@code start} and collects responses until all KEYS events arrived. */
    private static List<WatchResponse> watch(GrpcChannel ch, long start, boolean fragment) throws Exception {
        BlockingQueue<WatchResponse> q = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> req = WatchGrpc.newStub(ch.channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
                q.add(r);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                .setKey(bs("/frag/"))
                .setRangeEnd(bs("/frag0"))
                .setStartRevision(start);
        if (fragment) {
            create.setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(
                            WatchFragments.REQUEST_FRAGMENT_FIELD,
                            UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build());
        }
        req.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
        List<WatchResponse> got = new ArrayList<>();
        int events = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (events < KEYS) {
            WatchResponse r = q.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(r)
                    .as("watch responses within 20 s; got %d events", events)
                    .isNotNull();
            if (r.getCreated() || r.getEventsCount() == 0) {
                continue;
            }
            got.add(r);
            events += r.getEventsCount();
        }
        req.onCompleted();
        return got;
    }

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
