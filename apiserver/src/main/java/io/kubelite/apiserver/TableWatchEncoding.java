package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.store.watch.WatchEvent;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * The events of one Table watch ({@code kubectl get -w}): each event's object is a Table
 * with the changed object's one row, and, as kube-apiserver's watch encoder does, only the
 * first event carries the column definitions. An event is encoded when the connection first
 * writes it, on the connection's event loop, so the watch cache's thread only queues it;
 * events are written in order, so "first" is the first one the client receives.
 *
 * @param <T> the resource's message type
 */
final class TableWatchEncoding<T extends Message> implements WatchStream.Encoding<T> {
    private final Resource<T> resource;
    private final OutputMediaType format;
    // read and set on the connection's event loop only (events encode there, in order)
    private boolean headersSent;

    TableWatchEncoding(Resource<T> resource, OutputMediaType format) {
        this.resource = resource;
        this.format = format;
    }

    @Override
    public EncodedEvent encode(WatchChange<T> c, WatchEvent.Type type) {
        return new EncodedEvent() {
            private Buffer line;

            @Override
            public Buffer line() {
                if (line == null) {
                    line = Buffer.buffer(Codec.eventLine(type.name(), table(c.object())));
                }
                return line;
            }

            @Override
            public String text() {
                return EncodedEvent.textOf(line());
            }
        };
    }

    private com.fasterxml.jackson.databind.node.ObjectNode table(T obj) {
        boolean headers = !headersSent;
        headersSent = true;
        return new TableConvertor<>(resource, format, Instant.now()).one(obj, headers);
    }
}
