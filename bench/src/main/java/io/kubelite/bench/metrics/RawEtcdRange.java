package io.kubelite.bench.metrics;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.kubelite.store.Etcd;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The raw etcd read under metrics-server's pod informer: a range read of every key under a
 * prefix in pages of 500 pinned to the first page's revision (the store's list shape), values
 * fetched but not decoded.
 */
final class RawEtcdRange {
    private static final int PAGE = 500;

    /** Keys and value bytes one read returned, and the fastest and median time of the repeats. */
    record Result(long keys, long bytes, double minSeconds, double medianSeconds) {}

    private RawEtcdRange() {}

    static Result measure(Etcd etcd, String prefix, int repeats) {
        long keys = 0;
        long bytes = 0;
        double[] took = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            keys = 0;
            bytes = 0;
            String start = prefix;
            String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
            long revision = 0;
            while (true) {
                GetOption.Builder o = GetOption.builder().withRange(bs(end)).withLimit(PAGE);
                if (revision > 0) {
                    o.withRevision(revision);
                }
                GetResponse resp =
                        etcd.client().getKVClient().get(bs(start), o.build()).join();
                revision = resp.getHeader().getRevision();
                String last = null;
                for (KeyValue kv : resp.getKvs()) {
                    keys++;
                    bytes += kv.getValue().size();
                    last = kv.getKey().toString(StandardCharsets.UTF_8);
                }
                if (last == null || !resp.isMore()) {
                    break;
                }
                start = last + "\0";
            }
            took[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(took);
        return new Result(keys, bytes, took[0], took[repeats / 2]);
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
