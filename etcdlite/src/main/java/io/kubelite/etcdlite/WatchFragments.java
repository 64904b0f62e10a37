package io.kubelite.etcdlite;

import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd 3.4's watch response fragmenting ({@code v3rpc/watch.go sendFragments}). jetcd
 * 0.8.7's proto lacks {@code WatchCreateRequest.fragment} (field 8) and
 * {@code WatchResponse.fragment} (field 7), so both travel as protobuf unknown fields.
 * The rule, exactly as etcd's: a response of at least max-request-bytes + 512 KiB (etcd's
 * {@code grpcOverheadBytes}, added in {@code NewWatchServer}) with two or more
 * events is split; each fragment takes events while it stays below the limit (measured
 * with {@code fragment = true} set) but always at least one; every fragment but the last
 * carries {@code fragment = true}.
 */
final class WatchFragments {
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
    static final int REQUEST_FRAGMENT_FIELD = 8;
    static final int RESPONSE_FRAGMENT_FIELD = 7;

    private WatchFragments() {}

    /** Whether the create request asked for fragmenting (its unknown field 8 is true). */
    static boolean requested(WatchCreateRequest r) {
        UnknownFieldSet.Field f = r.getUnknownFields().getField(REQUEST_FRAGMENT_FIELD);
        List<Long> v = f.getVarintList();
        return !v.isEmpty() && v.get(v.size() - 1) != 0;
    }

    /** Whether a response is a fragment with more to follow (field 7 true). */
    static boolean isFragment(WatchResponse r) {
        List<Long> v = r.getUnknownFields().getField(RESPONSE_FRAGMENT_FIELD).getVarintList();
        return !v.isEmpty() && v.get(v.size() - 1) != 0;
    }

    /** Marks a response as a fragment with more to follow. */
    static WatchResponse.Builder markFragment(WatchResponse.Builder b) {
        return b.setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(
                        RESPONSE_FRAGMENT_FIELD,
                        UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                .build());
    }

    /**
     * etcd's cut of one response into fragments, on sizes: {@code flaggedBase} is the
     * response without events but with {@code fragment = true}, {@code whole} the complete
     * response's size, {@code eventBytes} each event's size including its tag and length.
     * Returns [from, to) event index ranges, one per response to send.
     */
    static List<int[]> cut(int flaggedBase, int whole, int[] eventBytes, int max) {
        if (eventBytes.length < 2 || whole < max) {
            return List.of(new int[] {0, eventBytes.length});
        }
        List<int[]> out = new ArrayList<>();
        int idx = 0;
        while (idx < eventBytes.length) {
            int size = flaggedBase;
            int from = idx;
            for (int i = idx; i < eventBytes.length; i++) {
                size += eventBytes[i];
                if (i > from && size >= max) {
                    break;
                }
                idx++;
            }
            out.add(new int[] {from, idx});
        }
        return out;
    }
}
