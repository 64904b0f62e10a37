package io.kubelite.dashboard.http;

import io.kubelite.dashboard.stream.EventSink;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/** A Server-Sent Events response as an {@link EventSink}: writes happen on the connection's event loop. */
final class SseSink implements EventSink {
    private final Context context;
    private final HttpServerResponse response;

    SseSink(Context context, HttpServerResponse response) {
        this.context = context;
        this.response = response;
    }

    @Override
    public boolean writable() {
        return !response.closed() && !response.writeQueueFull();
    }

    @Override
    public void send(String event, String data) {
        String frame = "event: " + event + "\ndata: " + data + "\n\n";
        context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                response.write(frame);
            }
        });
    }
}
