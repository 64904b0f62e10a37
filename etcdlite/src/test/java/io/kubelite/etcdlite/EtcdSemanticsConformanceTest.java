package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import io.kubelite.store.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** etcd's KV, Watch and Lease semantics, asserted identically on real etcd and on etcdlite. */
class EtcdSemanticsConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The gRPC code and message a failed call carried, e.g. "OUT_OF_RANGE etcdserver: ...". */
    static String failure(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                Status s = Status.fromThrowable(t);
                if (s.getCode() != Status.Code.UNKNOWN) {
                    return s.getCode() + " " + s.getDescription();
                }
            }
            return "UNKNOWN " + e.getCause();
        }
        return fail("expected the call to fail");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void putTracksVersionsAndRevisions(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        PutResponse first = get(kv.put(bs(p + "a"), bs("1")));
        PutResponse second = get(
                kv.put(bs(p + "a"), bs("2"), PutOption.builder().withPrevKV().build()));
        assertThat(second.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision() + 1);
        assertThat(second.hasPrevKv()).isTrue();
        assertThat(str(second.getPrevKv().getValue())).isEqualTo("1");
        KeyValue now = get(kv.get(bs(p + "a"))).getKvs().get(0);
        assertThat(now.getVersion()).isEqualTo(2);
        assertThat(now.getCreateRevision()).isEqualTo(first.getHeader().getRevision());
        assertThat(now.getModRevision()).isEqualTo(second.getHeader().getRevision());
        GetResponse old = get(kv.get(
                bs(p + "a"),
                GetOption.builder()
                        .withRevision(first.getHeader().getRevision())
                        .build()));
        assertThat(str(old.getKvs().get(0).getValue())).isEqualTo("1");
        assertThat(old.getHeader().getRevision()).isEqualTo(second.getHeader().getRevision());

        get(kv.delete(bs(p + "a")));
        PutResponse again = get(kv.put(bs(p + "a"), bs("3")));
        KeyValue recreated = get(kv.get(bs(p + "a"))).getKvs().get(0);
        assertThat(recreated.getVersion()).isEqualTo(1);
        assertThat(recreated.getCreateRevision()).isEqualTo(again.getHeader().getRevision());
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void rangeWithPrefixLimitSortCountAndKeysOnly(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        for (String kv2 : List.of("b=vy", "a=vz", "d=vw", "c=vx")) {
            get(kv.put(bs(p + kv2.substring(0, 1)), bs(kv2.substring(2))));
        }
        get(kv.put(bs(p + "c"), bs("vv")));
        GetResponse limited = get(
                kv.get(bs(p), GetOption.builder().isPrefix(true).withLimit(2).build()));
        assertThat(limited.getKvs()).extracting(x -> str(x.getKey())).containsExactly(p + "a", p + "b");
        assertThat(limited.isMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(4);

        GetResponse byValueDesc = get(kv.get(
                bs(p),
                GetOption.builder()
                        .isPrefix(true)
                        .withSortField(GetOption.SortTarget.VALUE)
                        .withSortOrder(GetOption.SortOrder.DESCEND)
                        .build()));
        assertThat(byValueDesc.getKvs()).extracting(x -> str(x.getValue())).containsExactly("vz", "vy", "vw", "vv");

        GetResponse byVersion = get(kv.get(
                bs(p),
                GetOption.builder()
                        .isPrefix(true)
                        .withSortField(GetOption.SortTarget.VERSION)
                        .withSortOrder(GetOption.SortOrder.DESCEND)
                        .withLimit(1)
                        .build()));
        assertThat(byVersion.getKvs()).extracting(x -> str(x.getKey())).containsExactly(p + "c");

        GetResponse keysOnly = get(kv.get(
                bs(p), GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        assertThat(keysOnly.getKvs()).hasSize(4).allMatch(x -> x.getValue().isEmpty());

        GetResponse countOnly = get(kv.get(
                bs(p), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
        assertThat(countOnly.getKvs()).isEmpty();
        assertThat(countOnly.getCount()).isEqualTo(4);

        GetResponse range = get(
                kv.get(bs(p + "b"), GetOption.builder().withRange(bs(p + "d")).build()));
        assertThat(range.getKvs()).extracting(x -> str(x.getKey())).containsExactly(p + "b", p + "c");

        long cRev = get(kv.get(bs(p + "c"))).getKvs().get(0).getModRevision();
        GetResponse modFiltered = get(kv.get(
                bs(p),
                GetOption.builder().isPrefix(true).withMinModRevision(cRev).build()));
        assertThat(modFiltered.getKvs()).extracting(x -> str(x.getKey())).containsExactly(p + "c");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void txnComparesAndBranches(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        ByteSequence k = bs(p + "k");
        TxnResponse create = get(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, bs("v1"), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        assertThat(create.isSucceeded()).isTrue();
        long rev = create.getHeader().getRevision();
        assertThat(create.getPutResponses()).hasSize(1);

        TxnResponse again = get(kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, bs("v2"), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        assertThat(again.isSucceeded()).isFalse();
        assertThat(again.getHeader().getRevision()).isEqualTo(rev);
        assertThat(str(again.getGetResponses().get(0).getKvs().get(0).getValue()))
                .isEqualTo("v1");

        TxnResponse update = get(kv.txn()
                .If(
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(rev)),
                        new Cmp(k, Cmp.Op.GREATER, CmpTarget.value(bs("v0"))),
                        new Cmp(k, Cmp.Op.LESS, CmpTarget.version(2)),
                        new Cmp(bs(p + "missing"), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(
                        Op.put(k, bs("v2"), PutOption.DEFAULT),
                        Op.put(bs(p + "other"), bs("o"), PutOption.DEFAULT),
                        Op.get(k, GetOption.DEFAULT))
                .commit());
        assertThat(update.isSucceeded()).isTrue();
        assertThat(update.getHeader().getRevision()).isEqualTo(rev + 1);
        assertThat(str(update.getGetResponses().get(0).getKvs().get(0).getValue()))
                .as("a txn reads its own writes")
                .isEqualTo("v2");
        assertThat(get(kv.get(bs(p + "other"))).getKvs().get(0).getModRevision())
                .isEqualTo(rev + 1);

        TxnResponse valueOnMissing = get(kv.txn()
                .If(new Cmp(bs(p + "missing"), Cmp.Op.NOT_EQUAL, CmpTarget.value(bs("x"))))
                .Then(Op.put(bs(p + "z"), bs("z"), PutOption.DEFAULT))
                .commit());
        assertThat(valueOnMissing.isSucceeded())
                .as("a value compare on a missing key is false")
                .isFalse();

        TxnResponse nested = get(kv.txn()
                .Then(Op.txn(
                        new Cmp[] {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bs("v2")))},
                        new Op[] {Op.put(bs(p + "n"), bs("yes"), PutOption.DEFAULT)},
                        new Op[] {Op.put(bs(p + "n"), bs("no"), PutOption.DEFAULT)}))
                .commit());
        assertThat(nested.isSucceeded()).isTrue();
        assertThat(nested.getTxnResponses().get(0).isSucceeded()).isTrue();
        assertThat(str(get(kv.get(bs(p + "n"))).getKvs().get(0).getValue())).isEqualTo("yes");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void txnRejectsWritingAKeyTwice(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        assertThat(failure(kv.txn()
                        .Then(
                                Op.put(bs(p + "x"), bs("1"), PutOption.DEFAULT),
                                Op.put(bs(p + "x"), bs("2"), PutOption.DEFAULT))
                        .commit()))
                .isEqualTo("INVALID_ARGUMENT etcdserver: duplicate key given in txn request");
        assertThat(failure(kv.txn()
                        .Then(
                                Op.delete(
                                        bs(p),
                                        DeleteOption.builder().isPrefix(true).build()),
                                Op.put(bs(p + "x"), bs("2"), PutOption.DEFAULT))
                        .commit()))
                .isEqualTo("INVALID_ARGUMENT etcdserver: duplicate key given in txn request");
        assertThat(get(kv.get(bs(p + "x"))).getKvs()).isEmpty();
        // the same key in the two branches is fine
        assertThat(get(kv.txn()
                                .Then(Op.put(bs(p + "x"), bs("1"), PutOption.DEFAULT))
                                .Else(Op.put(bs(p + "x"), bs("2"), PutOption.DEFAULT))
                                .commit())
                        .isSucceeded())
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void deleteRangeReturnsPrevKvsInOneRevision(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        get(kv.put(bs(p + "1"), bs("a")));
        long rev = get(kv.put(bs(p + "2"), bs("b"))).getHeader().getRevision();
        var del = get(kv.delete(
                bs(p), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertThat(del.getDeleted()).isEqualTo(2);
        assertThat(del.getPrevKvs()).extracting(x -> str(x.getValue())).containsExactly("a", "b");
        assertThat(del.getHeader().getRevision()).isEqualTo(rev + 1);
        var none = get(kv.delete(bs(p), DeleteOption.builder().isPrefix(true).build()));
        assertThat(none.getDeleted()).isZero();
        assertThat(none.getHeader().getRevision())
                .as("deleting nothing makes no revision")
                .isEqualTo(rev + 1);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void compactionAndFutureRevisionErrors(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        long r1 = get(kv.put(bs(p + "c"), bs("1"))).getHeader().getRevision();
        long r2 = get(kv.put(bs(p + "c"), bs("2"))).getHeader().getRevision();
        get(kv.compact(r2));
        assertThat(failure(
                        kv.get(bs(p + "c"), GetOption.builder().withRevision(r1).build())))
                .isEqualTo("OUT_OF_RANGE etcdserver: mvcc: required revision has been compacted");
        assertThat(str(get(kv.get(
                                bs(p + "c"),
                                GetOption.builder().withRevision(r2).build()))
                        .getKvs()
                        .get(0)
                        .getValue()))
                .isEqualTo("2");
        assertThat(failure(kv.get(
                        bs(p + "c"), GetOption.builder().withRevision(r2 + 1000).build())))
                .isEqualTo("OUT_OF_RANGE etcdserver: mvcc: required revision is a future revision");
        assertThat(failure(kv.compact(r1)))
                .isEqualTo("OUT_OF_RANGE etcdserver: mvcc: required revision has been compacted");
        assertThat(failure(kv.compact(r2 + 1000)))
                .isEqualTo("OUT_OF_RANGE etcdserver: mvcc: required revision is a future revision");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void tooLargeAndInvalidRequests(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        byte[] big = new byte[1600 * 1024];
        assertThat(failure(kv.put(bs(p + "big"), ByteSequence.from(big))))
                .isEqualTo("INVALID_ARGUMENT etcdserver: request is too large");
        assertThat(failure(kv.put(
                        bs(p + "l"),
                        bs("v"),
                        PutOption.builder().withLeaseId(0x7eadbeefL).build())))
                .isEqualTo("NOT_FOUND etcdserver: requested lease not found");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void watchReplaysHistoryInOrderWithPrevKv(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        long start = get(kv.put(bs(p + "a"), bs("1"))).getHeader().getRevision();
        get(kv.put(bs(p + "b"), bs("1")));
        get(kv.put(bs(p + "a"), bs("2")));
        get(kv.delete(bs(p + "b")));
        List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (Watch.Watcher w = s.client()
                .getWatchClient()
                .watch(
                        bs(p),
                        WatchOption.builder()
                                .isPrefix(true)
                                .withRevision(start)
                                .withPrevKV(true)
                                .build(),
                        r -> events.addAll(r.getEvents()))) {
            get(kv.put(bs(p + "c"), bs("live")));
            Poll.until(WAIT, "replayed and live events", () -> events.size() == 5);
            List<String> seen = events.stream()
                    .map(e -> e.getEventType() + " "
                            + str(e.getKeyValue().getKey()).substring(p.length()) + " "
                            + e.getKeyValue().getModRevision() + " prev="
                            + str(e.getPrevKV().getValue()))
                    .toList();
            assertThat(seen)
                    .containsExactly(
                            "PUT a " + start + " prev=",
                            "PUT b " + (start + 1) + " prev=",
                            "PUT a " + (start + 2) + " prev=1",
                            "DELETE b " + (start + 3) + " prev=1",
                            "PUT c " + (start + 4) + " prev=");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void watchFiltersAndRanges(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        List<String> noPut = Collections.synchronizedList(new ArrayList<>());
        List<String> single = Collections.synchronizedList(new ArrayList<>());
        long start = get(kv.put(bs(p + "start"), bs("0"))).getHeader().getRevision() + 1;
        try (Watch.Watcher w1 = s.client()
                        .getWatchClient()
                        .watch(
                                bs(p),
                                WatchOption.builder()
                                        .isPrefix(true)
                                        .withNoPut(true)
                                        .withRevision(start)
                                        .build(),
                                r -> r.getEvents()
                                        .forEach(e -> noPut.add(e.getEventType() + " "
                                                + str(e.getKeyValue().getKey()))));
                Watch.Watcher w2 = s.client()
                        .getWatchClient()
                        .watch(
                                bs(p + "x"),
                                WatchOption.builder().withRevision(start).build(),
                                r -> r.getEvents()
                                        .forEach(e -> single.add(e.getEventType() + " "
                                                + str(e.getKeyValue().getKey()))))) {
            get(kv.put(bs(p + "x"), bs("1")));
            get(kv.put(bs(p + "xy"), bs("1")));
            get(kv.delete(bs(p + "xy")));
            get(kv.delete(bs(p + "x")));
            Poll.until(WAIT, "filtered events", () -> noPut.size() == 2 && single.size() == 2);
            assertThat(noPut).containsExactly("DELETE " + p + "xy", "DELETE " + p + "x");
            assertThat(single).containsExactly("PUT " + p + "x", "DELETE " + p + "x");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void watchFromACompactedRevisionIsCancelledWithTheCompactRevision(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        long r1 = get(kv.put(bs(p + "k"), bs("1"))).getHeader().getRevision();
        long r2 = get(kv.put(bs(p + "k"), bs("2"))).getHeader().getRevision();
        get(kv.compact(r2));
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (Watch.Watcher w = s.client()
                .getWatchClient()
                .watch(
                        bs(p + "k"),
                        WatchOption.builder().withRevision(r1).build(),
                        Watch.listener(r -> {}, error::set))) {
            Poll.until(WAIT, "the watch fails", () -> error.get() != null);
        }
        assertThat(error.get()).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) error.get()).getCompactedRevision()).isEqualTo(r2);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void progressRequestAnswersWithTheCurrentRevision(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        List<WatchResponse> progress = Collections.synchronizedList(new ArrayList<>());
        Watch watch = s.client().getWatchClient();
        try (Watch.Watcher w = watch.watch(bs(p + "k"), r -> {
            if (r.isProgressNotify()) {
                progress.add(r);
            }
        })) {
            long rev = get(kv.put(bs(p + "other"), bs("1"))).getHeader().getRevision();
            Poll.until(WAIT, "a progress notification", () -> {
                watch.requestProgress();
                return progress.stream().anyMatch(r -> r.getHeader().getRevision() >= rev);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void leaseExpiryDeletesItsKeysInOneRevisionAndWatchersSeeIt(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        var grant = get(s.client().getLeaseClient().grant(1));
        assertThat(grant.getTTL())
                .as("etcd raises a TTL below its minimum to 2 s")
                .isEqualTo(2);
        long lease = grant.getID();
        get(kv.put(bs(p + "a"), bs("1"), PutOption.builder().withLeaseId(lease).build()));
        long rev = get(kv.put(
                        bs(p + "b"),
                        bs("1"),
                        PutOption.builder().withLeaseId(lease).build()))
                .getHeader()
                .getRevision();
        var ttl = get(s.client()
                .getLeaseClient()
                .timeToLive(
                        lease,
                        io.etcd.jetcd.options.LeaseOption.builder()
                                .withAttachedKeys()
                                .build()));
        assertThat(ttl.getKeys())
                .extracting(EtcdSemanticsConformanceTest::str)
                .containsExactlyInAnyOrder(p + "a", p + "b");
        assertThat(ttl.getGrantedTTL()).isEqualTo(2);
        List<WatchEvent> deletes = Collections.synchronizedList(new ArrayList<>());
        try (Watch.Watcher w = s.client()
                .getWatchClient()
                .watch(
                        bs(p),
                        WatchOption.builder()
                                .isPrefix(true)
                                .withRevision(rev + 1)
                                .build(),
                        r -> deletes.addAll(r.getEvents()))) {
            Poll.until(WAIT, "both leased keys expire", () -> deletes.size() == 2);
        }
        assertThat(deletes).allMatch(e -> e.getEventType() == WatchEvent.EventType.DELETE);
        assertThat(deletes.get(0).getKeyValue().getModRevision())
                .isEqualTo(deletes.get(1).getKeyValue().getModRevision());
        assertThat(get(kv.get(bs(p), GetOption.builder().isPrefix(true).build()))
                        .getCount())
                .isZero();
        assertThat(get(s.client().getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT))
                        .getTTL())
                .isEqualTo(-1);
        assertThat(failure(s.client().getLeaseClient().revoke(lease)))
                .isEqualTo("NOT_FOUND etcdserver: requested lease not found");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void keepAliveExtendsAndRevokeDeletes(TestServer s) throws Exception {
        KV kv = s.client().getKVClient();
        String p = s.prefix();
        long lease = get(s.client().getLeaseClient().grant(5)).getID();
        get(kv.put(bs(p + "k"), bs("1"), PutOption.builder().withLeaseId(lease).build()));
        assertThat(get(s.client().getLeaseClient().keepAliveOnce(lease)).getTTL())
                .isEqualTo(5);
        long rev = get(s.client().getLeaseClient().revoke(lease)).getHeader().getRevision();
        GetResponse after = get(kv.get(bs(p + "k")));
        assertThat(after.getKvs()).isEmpty();
        assertThat(after.getHeader().getRevision()).isEqualTo(rev);
    }
}
