package io.kubelite.apiserver;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a request body without blocking, up to the configured limit (kube-apiserver's
 * 413 beyond it, decided from Content-Length when there is one so a large body is not
 * read at all), and hands the text (or the bytes) to its consumer on the request's context.
 */
public final class RequestBody {
    private RequestBody() {}

    public static void read(Request r, int limit, Consumer<String> fn) {
        readBytes(r, limit, bytes -> fn.accept(new String(bytes, StandardCharsets.UTF_8)));
    }

    /** {@link #read}, handing the body's bytes as they came (a binary body: Kubernetes' protobuf). */
    public static void readBytes(Request r, int limit, Consumer<byte[]> fn) {
        HttpServerRequest req = r.http();
        String cl = req.getHeader("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > limit) {
                    r.fail(tooLarge(limit));
                    return;
                }
            } catch (NumberFormatException e) {
                r.fail(ApiException.badRequest("invalid Content-Length"));
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        req.handler(b -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + b.length() > limit) {
                failed[0] = true;
                r.fail(tooLarge(limit));
                return;
            }
            body.appendBuffer(b);
        });
        req.endHandler(v -> {
            if (!failed[0]) {
                r.onContext(() -> fn.accept(body.getBytes()));
            }
        });
        req.exceptionHandler(e -> failed[0] = true);
    }

    private static ApiException tooLarge(int limit) {
        return ApiException.of(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit);
    }
}
