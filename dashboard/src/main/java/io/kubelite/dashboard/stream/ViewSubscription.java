package io.kubelite.dashboard.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.view.View;
import io.kubelite.dashboard.view.ViewModel;
import io.kubelite.dashboard.view.ViewQuery;

/**
 * One tab watching one view: remembers what it last sent, so each render turns into a
 * {@code snapshot} event (the first, or after the browser fell behind) or a {@code patch}.
 * Called by the {@link ViewPublisher}'s thread only.
 */
public final class ViewSubscription {
    private final View view;
    private final ViewQuery query;
    private final EventSink sink;
    private ViewModel lastSent;
    private volatile boolean closed;

    public ViewSubscription(View view, ViewQuery query, EventSink sink) {
        this.view = view;
        this.query = query;
        this.sink = sink;
    }

    View view() {
        return view;
    }

    ViewQuery query() {
        return query;
    }

    boolean needsSnapshot() {
        return lastSent == null;
    }

    /** Sends what changed since the last offer (nothing when nothing did). */
    void offer(ViewModel model) {
        if (closed || model == lastSent) {
            return;
        }
        if (!sink.writable()) {
            lastSent = null; // skip while the browser is behind; it gets a whole snapshot when it catches up
            return;
        }
        if (lastSent == null) {
            sink.send("snapshot", ViewDiff.snapshot(model).toString());
        } else {
            ObjectNode patch = ViewDiff.between(lastSent, model);
            if (patch != null) {
                sink.send("patch", patch.toString());
            }
        }
        lastSent = model;
    }

    void heartbeat() {
        if (!closed && sink.writable()) {
            sink.send("heartbeat", "{}");
        }
    }

    /** The tab went away; no more events. */
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
