package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** etcd's KV request semantics (etcdserver/apply.go) over an {@link Mvcc}. */
final class Kv {
    private Kv() {}

    // ------------------------------------------------------------ Range

    static RangeResponse.Builder range(Mvcc m, RangeRequest r, long cur) {
        long at = r.getRevision() <= 0 ? cur : r.getRevision();
        if (at > cur) {
            throw Errors.futureRev();
        }
        if (at < m.compactRev()) {
            throw Errors.compacted();
        }
        boolean filtered = r.getMinModRevision() != 0
                || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0
                || r.getMaxCreateRevision() != 0;
        RangeRequest.SortOrder order = r.getSortOrder();
        if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        boolean reorder = order == RangeRequest.SortOrder.DESCEND || r.getSortTarget() != RangeRequest.SortTarget.KEY;
        long limit = r.getLimit();
        boolean collectAll = filtered || reorder || limit <= 0;
        List<KeyValue> kvs = new ArrayList<>();
        long[] count = {0};
        m.range(r.getKey(), r.getRangeEnd(), at, kv -> {
            count[0]++;
            if (!r.getCountOnly() && (collectAll || kvs.size() <= limit)) {
                kvs.add(kv);
            }
        });
        RangeResponse.Builder b = RangeResponse.newBuilder().setCount(count[0]);
        if (r.getCountOnly()) {
            return b;
        }
        List<KeyValue> out = kvs;
        if (filtered) {
            out = new ArrayList<>();
            for (KeyValue kv : kvs) {
                if (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision()) {
                    continue;
                }
                if (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision()) {
                    continue;
                }
                if (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision()) {
                    continue;
                }
                if (r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision()) {
                    continue;
                }
                out.add(kv);
            }
        }
        if (reorder) {
            Comparator<KeyValue> cmp = switch (r.getSortTarget()) {
                case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
                case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
                case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
                case VALUE -> (a, c) -> Mvcc.ORDER.compare(a.getValue(), c.getValue());
                default -> (a, c) -> Mvcc.ORDER.compare(a.getKey(), c.getKey());
            };
            if (order == RangeRequest.SortOrder.DESCEND) {
                cmp = cmp.reversed();
            }
            out = new ArrayList<>(out);
            out.sort(cmp);
        }
        if (limit > 0 && out.size() > limit) {
            out = out.subList(0, (int) limit);
            b.setMore(true);
        }
        for (KeyValue kv : out) {
            b.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return b;
    }

    // ------------------------------------------------------------ Put / DeleteRange

    static void checkPut(PutRequest r) {
        if (r.getKey().isEmpty()) {
            throw Errors.emptyKey();
        }
        if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
            throw Errors.valueProvided();
        }
        if (r.getIgnoreLease() && r.getLease() != 0) {
            throw Errors.leaseProvided();
        }
    }

    static void checkPutState(Backend be, PutRequest r, long at) {
        if (r.getLease() != 0 && be.leases.get(r.getLease()) == null) {
            throw Errors.leaseNotFound();
        }
        if ((r.getIgnoreValue() || r.getIgnoreLease()) && be.mvcc.get(r.getKey(), at) == null) {
            throw Errors.keyNotFound();
        }
    }

    static PutResponse.Builder put(WritePath.Change c, PutRequest r) {
        ByteString value = r.getValue();
        long lease = r.getLease();
        if (r.getIgnoreValue() || r.getIgnoreLease()) {
            KeyValue cur = c.w.mvcc().get(r.getKey(), c.w.readRev());
            if (r.getIgnoreValue()) {
                value = cur.getValue();
            }
            if (r.getIgnoreLease()) {
                lease = cur.getLease();
            }
        }
        KeyValue prev = c.put(r.getKey(), value, lease);
        PutResponse.Builder b = PutResponse.newBuilder();
        if (r.getPrevKv() && prev != null) {
            b.setPrevKv(prev);
        }
        return b;
    }

    static DeleteRangeResponse.Builder delete(WritePath.Change c, DeleteRangeRequest r) {
        List<ByteString> keys = new ArrayList<>();
        c.w.mvcc().range(r.getKey(), r.getRangeEnd(), c.w.readRev(), kv -> keys.add(kv.getKey()));
        DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder();
        for (ByteString k : keys) {
            KeyValue prev = c.delete(k);
            if (r.getPrevKv() && prev != null) {
                b.addPrevKvs(prev);
            }
        }
        return b.setDeleted(keys.size());
    }

    // ------------------------------------------------------------ Txn

    static void checkTxn(TxnRequest r) {
        if (r.getCompareCount() > Backend.MAX_TXN_OPS
                || r.getSuccessCount() > Backend.MAX_TXN_OPS
                || r.getFailureCount() > Backend.MAX_TXN_OPS) {
            throw Errors.tooManyOps();
        }
        for (List<RequestOp> ops : List.of(r.getSuccessList(), r.getFailureList())) {
            for (RequestOp op : ops) {
                switch (op.getRequestCase()) {
                    case REQUEST_RANGE -> {
                        if (op.getRequestRange().getKey().isEmpty()) {
                            throw Errors.emptyKey();
                        }
                    }
                    case REQUEST_PUT -> checkPut(op.getRequestPut());
                    case REQUEST_DELETE_RANGE -> {
                        if (op.getRequestDeleteRange().getKey().isEmpty()) {
                            throw Errors.emptyKey();
                        }
                    }
                    case REQUEST_TXN -> checkTxn(op.getRequestTxn());
                    default -> {}
                }
            }
        }
        checkIntervals(r.getSuccessList());
        checkIntervals(r.getFailureList());
    }

    private record Interval(ByteString key, ByteString end) {
        boolean contains(ByteString k) {
            return Mvcc.inRange(k, key, end);
        }
    }

    private record Intervals(Set<ByteString> puts, List<Interval> dels) {
        boolean deleted(ByteString k) {
            for (Interval i : dels) {
                if (i.contains(k)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** etcd's checkIntervals: within one branch a key may be put once and never both put and deleted. */
    private static Intervals checkIntervals(List<RequestOp> ops) {
        Intervals acc = new Intervals(new HashSet<>(), new ArrayList<>());
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest d = op.getRequestDeleteRange();
                acc.dels.add(new Interval(d.getKey(), d.getRangeEnd()));
            }
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Intervals then = checkIntervals(op.getRequestTxn().getSuccessList());
            Intervals els = checkIntervals(op.getRequestTxn().getFailureList());
            for (ByteString k : then.puts) {
                if (acc.puts.contains(k) || acc.deleted(k)) {
                    throw Errors.duplicateKey();
                }
                acc.puts.add(k);
            }
            for (ByteString k : els.puts) {
                if ((acc.puts.contains(k) && !then.puts.contains(k)) || acc.deleted(k)) {
                    throw Errors.duplicateKey();
                }
                acc.puts.add(k);
            }
            acc.dels.addAll(then.dels);
            acc.dels.addAll(els.dels);
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                ByteString k = op.getRequestPut().getKey();
                if (acc.puts.contains(k) || acc.deleted(k)) {
                    throw Errors.duplicateKey();
                }
                acc.puts.add(k);
            }
        }
        return acc;
    }

    static boolean hasWrites(TxnRequest r) {
        for (List<RequestOp> ops : List.of(r.getSuccessList(), r.getFailureList())) {
            for (RequestOp op : ops) {
                if (op.hasRequestPut()
                        || op.hasRequestDeleteRange()
                        || (op.hasRequestTxn() && hasWrites(op.getRequestTxn()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The branch every (nested) txn takes, decided on the state before the txn, as etcd's compareToPath. */
    private record Path(boolean success, List<Path> nested) {}

    private static Path path(Mvcc m, TxnRequest r, long at) {
        boolean ok = true;
        for (Compare c : r.getCompareList()) {
            if (!compare(m, c, at)) {
                ok = false;
                break;
            }
        }
        List<Path> nested = new ArrayList<>();
        for (RequestOp op : ok ? r.getSuccessList() : r.getFailureList()) {
            nested.add(op.hasRequestTxn() ? path(m, op.getRequestTxn(), at) : null);
        }
        return new Path(ok, nested);
    }

    private static void checkPath(Backend be, TxnRequest r, Path p, long at) {
        List<RequestOp> ops = p.success ? r.getSuccessList() : r.getFailureList();
        for (int i = 0; i < ops.size(); i++) {
            RequestOp op = ops.get(i);
            if (op.hasRequestPut()) {
                checkPutState(be, op.getRequestPut(), at);
            } else if (op.hasRequestRange()) {
                long rev = op.getRequestRange().getRevision();
                if (rev > at) {
                    throw Errors.futureRev();
                }
                if (rev > 0 && rev < be.mvcc.compactRev()) {
                    throw Errors.compacted();
                }
            } else if (op.hasRequestTxn()) {
                checkPath(be, op.getRequestTxn(), p.nested.get(i), at);
            }
        }
    }

    static boolean compare(Mvcc m, Compare c, long at) {
        List<KeyValue> kvs = new ArrayList<>();
        m.range(c.getKey(), c.getRangeEnd(), at, kvs::add);
        if (kvs.isEmpty()) {
            if (c.getTargetValue() == Compare.CompareTarget.VALUE_VALUE) {
                return false;
            }
            return compareKv(c, KeyValue.getDefaultInstance());
        }
        for (KeyValue kv : kvs) {
            if (!compareKv(c, kv)) {
                return false;
            }
        }
        return true;
    }

    private static boolean compareKv(Compare c, KeyValue kv) {
        int cmp;
        switch (c.getTargetValue()) {
            case Compare.CompareTarget.VALUE_VALUE -> cmp = Mvcc.ORDER.compare(kv.getValue(), c.getValue());
            case Compare.CompareTarget.VERSION_VALUE -> cmp = Long.compare(kv.getVersion(), c.getVersion());
            case Compare.CompareTarget.CREATE_VALUE ->
                cmp = Long.compare(kv.getCreateRevision(), c.getCreateRevision());
            case Compare.CompareTarget.MOD_VALUE -> cmp = Long.compare(kv.getModRevision(), c.getModRevision());
            case 4 -> { // LEASE: newer than this proto; its operand is field 8
                UnknownFieldSet.Field f = c.getUnknownFields().getField(8);
                long lease = f == null || f.getVarintList().isEmpty()
                        ? 0
                        : f.getVarintList().get(0);
                cmp = Long.compare(kv.getLease(), lease);
            }
            default -> {
                return false;
            }
        }
        return switch (c.getResultValue()) {
            case Compare.CompareResult.EQUAL_VALUE -> cmp == 0;
            case Compare.CompareResult.GREATER_VALUE -> cmp > 0;
            case Compare.CompareResult.LESS_VALUE -> cmp < 0;
            case Compare.CompareResult.NOT_EQUAL_VALUE -> cmp != 0;
            default -> false;
        };
    }

    static TxnResponse.Builder readOnlyTxn(Backend be, TxnRequest r, long rev) {
        Path p = path(be.mvcc, r, rev);
        checkPath(be, r, p, rev);
        return execRead(be, r, p, rev);
    }

    private static TxnResponse.Builder execRead(Backend be, TxnRequest r, Path p, long rev) {
        TxnResponse.Builder b = TxnResponse.newBuilder().setSucceeded(p.success);
        List<RequestOp> ops = p.success ? r.getSuccessList() : r.getFailureList();
        for (int i = 0; i < ops.size(); i++) {
            RequestOp op = ops.get(i);
            if (op.hasRequestRange()) {
                b.addResponses(ResponseOp.newBuilder()
                        .setResponseRange(
                                range(be.mvcc, op.getRequestRange(), rev).setHeader(be.header(rev))));
            } else if (op.hasRequestTxn()) {
                b.addResponses(ResponseOp.newBuilder()
                        .setResponseTxn(execRead(be, op.getRequestTxn(), p.nested.get(i), rev)
                                .setHeader(be.header(rev))));
            }
        }
        return b;
    }

    static TxnResponse.Builder txn(Backend be, WritePath.Change c, TxnRequest r) {
        long begin = be.mvcc.rev();
        Path p = path(be.mvcc, r, begin);
        checkPath(be, r, p, begin);
        return exec(be, c, r, p);
    }

    private static TxnResponse.Builder exec(Backend be, WritePath.Change c, TxnRequest r, Path p) {
        TxnResponse.Builder b = TxnResponse.newBuilder().setSucceeded(p.success);
        List<RequestOp> ops = p.success ? r.getSuccessList() : r.getFailureList();
        for (int i = 0; i < ops.size(); i++) {
            RequestOp op = ops.get(i);
            ResponseOp.Builder rb = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE ->
                    rb.setResponseRange(
                            range(be.mvcc, op.getRequestRange(), c.w.readRev()).setHeader(be.header(c.w.readRev())));
                case REQUEST_PUT -> {
                    PutResponse.Builder pr = put(c, op.getRequestPut());
                    rb.setResponsePut(pr.setHeader(be.header(c.w.readRev())));
                }
                case REQUEST_DELETE_RANGE -> {
                    DeleteRangeResponse.Builder dr = delete(c, op.getRequestDeleteRange());
                    rb.setResponseDeleteRange(dr.setHeader(be.header(c.w.readRev())));
                }
                case REQUEST_TXN ->
                    rb.setResponseTxn(
                            exec(be, c, op.getRequestTxn(), p.nested.get(i)).setHeader(be.header(c.w.readRev())));
                default -> {
                    continue;
                }
            }
            b.addResponses(rb);
        }
        return b;
    }
}
