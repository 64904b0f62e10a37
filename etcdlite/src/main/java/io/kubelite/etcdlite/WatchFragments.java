package io.kubelite.etcdlite;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Event;
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
    private static final int EVENTS_TAG_BYTES = CodedOutputStream.computeTagSize(11);

    private WatchFragments() {
    }

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
        return b.setUnknownFields(UnknownFieldSet.newBuilder().addField(RESPONSE_FRAGMENT_FIELD,
                UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build());
    }

    private static int eventBytes(Event e) {
        int n = e.getSerializedSize();
        return EVENTS_TAG_BYTES + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
    }

    /** {@code r} as etcd sends it to a watcher that asked for fragments, {@code max} being the threshold. */
    static List<WatchResponse> split(WatchResponse r, int max) {
        if (r.getEventsCount() < 2 || r.getSerializedSize() < max) {
            return List.of(r);
        }
        WatchResponse.Builder base = r.toBuilder().clearEvents();
        int baseBytes = markFragment(base.clone()).build().getSerializedSize();
        List<WatchResponse> out = new ArrayList<>();
        List<Event> events = r.getEventsList();
        int idx = 0;
        while (true) {
            int size = baseBytes;
            int from = idx;
            for (int i = idx; i < events.size(); i++) {
                size += eventBytes(events.get(i));
                if (i - from + 1 > 1 && size >= max) {
                    break;
                }
                idx++;
            }
            WatchResponse.Builder cur = base.clone().addAllEvents(events.subList(from, idx));
            boolean last = idx == events.size();
            out.add(last ? cur.build() : markFragment(cur).build());
            if (last) {
                return out;
            }
        }
    }
}
