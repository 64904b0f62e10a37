package io.kubelite.apiserver;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One watch event, encoded for each transport. Implementations encode at most once per
 * transport and hand every watcher the same instance: the returned {@link Buffer} may be
 * written to any number of connections (Vert.x writes a slice of it, never consumes it)
 * and must not be modified.
 */
interface EncodedEvent {
    /** The chunked-HTTP form: {@code {"type":..,"object":{..}}} and a newline. */
    Buffer line();

    /** The WebSocket form: the same JSON as one text message, without the newline. */
    String text();

    /** An event encoded for one watcher only (bookmarks, errors). */
    static EncodedEvent of(byte[] line) {
        Buffer b = Buffer.buffer(line);
        return new EncodedEvent() {
            @Override
            public Buffer line() {
                return b;
            }

            @Override
            public String text() {
                return textOf(b);
            }
        };
    }

    /** A line without its trailing newline, as a string. */
    static String textOf(Buffer line) {
        int n = line.length();
        if (n > 0 && line.getByte(n - 1) == '\n') {
            n--;
        }
        return line.getString(0, n, StandardCharsets.UTF_8.name());
    }
}
