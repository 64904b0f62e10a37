package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.apiserver.admission.AdmissionRecord;
import io.kubelite.apiserver.audit.RequestAudit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request and how to answer it: a JSON body, a Status for a failure, or plain
 * text. Every answer happens on the request's own Vert.x context; {@link #onContext} and
 * {@link #then} bring store futures (completed on gRPC threads) back there. An
 * {@link ApiException} thrown inside them becomes its Status; anything else a 500.
 */
public final class Request {
    private static final Logger LOG = LoggerFactory.getLogger(Request.class);

    private final HttpServerRequest req;
    private final Context context;
    private final List<String> warnings = new ArrayList<>();
    private final AdmissionRecord admission = new AdmissionRecord();
    private Auth.User user;
    private RequestAudit audit;
    private ApiRequestMetrics.Labels labels;
    private Runnable slot;
    private final AtomicBoolean holdsSlot = new AtomicBoolean();

    Request(HttpServerRequest req, Context context) {
        this.req = req;
        this.context = context;
    }

    public HttpServerRequest http() {
        return req;
    }

    public Context context() {
        return context;
    }

    /** The query parameter, or null. */
    public String param(String name) {
        return req.getParam(name);
    }

    public Auth.User user() {
        return user;
    }

    void user(Auth.User u) {
        this.user = u;
    }

    /** The request's audit record; null until it is authenticated (or failed to be). */
    public RequestAudit audit() {
        return audit;
    }

    void audit(RequestAudit a) {
        this.audit = a;
    }

    /** What the request metrics label it with; a non-resource request's labels until a resource is known. */
    ApiRequestMetrics.Labels labels() {
        return labels != null ? labels : ApiRequestMetrics.Labels.nonResource(this);
    }

    void labels(ApiRequestMetrics.Labels l) {
        this.labels = l;
    }

    /**
     * Holds a flow-control slot (a seat, or a place in a queue) until the request ends: {@link
     * #release} runs {@code giveBack} once.
     */
    void holdSlot(Runnable giveBack) {
        this.slot = giveBack;
        holdsSlot.set(true);
    }

    /** Gives back this request's flow-control slot, once (its answer ended, or its client left). */
    void release() {
        if (holdsSlot.compareAndSet(true, false)) {
            slot.run();
        }
    }

    /** Replaces the {@code Warning} headers the answer will carry (one per dropped unknown field). */
    public void warnings(List<String> w) {
        warnings.clear();
        warnings.addAll(w);
    }

    /** Adds to the warnings already set (the kind's own, after the decoder's). */
    public void addWarnings(List<String> w) {
        warnings.addAll(w);
    }

    /** What admission left on this request: its warnings go out with the answer, success or not. */
    public AdmissionRecord admission() {
        return admission;
    }

    /** Runs {@code fn} on this request's context. */
    public void onContext(Runnable fn) {
        if (Vertx.currentContext() == context) {
            run(fn);
        } else {
            context.runOnContext(v -> run(fn));
        }
    }

    /**
     * Runs {@code fn} on this request's context after the task running now, never inline: for
     * work another request's thread hands over (a freed flow-control seat), which must not run
     * inside that request's handler.
     */
    public void later(Runnable fn) {
        context.runOnContext(v -> run(fn));
    }

    /** Completes {@code f} on the request's context: success to {@code ok}, failure to a Status about {@code name}. */
    public <V> void then(CompletableFuture<V> f, io.kubelite.kinds.Resource<?> resource, String name, Consumer<V> ok) {
        f.whenComplete((v, err) -> onContext(() -> {
            if (err != null) {
                fail(ApiException.from(err, resource, name));
            } else {
                ok.accept(v);
            }
        }));
    }

    private void run(Runnable fn) {
        try {
            fn.run();
        } catch (ApiException e) {
            fail(e);
        } catch (RuntimeException e) {
            if (audit != null) {
                audit.panic(e.toString());
            }
            fail(ApiException.from(e, null, null));
        }
    }

    public void fail(ApiException e) {
        if (e.code() >= 500 && e.code() != 503) {
            if (e.getCause() != null) {
                LOG.error("{} {} -> {} {}", req.method(), req.uri(), e.code(), e.getMessage(), e.getCause());
            } else {
                LOG.warn("{} {} -> {} {}", req.method(), req.uri(), e.code(), e.getMessage());
            }
        }
        if (e.retryAfterSeconds() != null) {
            req.response().putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        ObjectNode status = e.toStatus();
        if (audit != null) {
            audit.status(status);
        }
        json(e.code(), status);
    }

    public void json(int code, ObjectNode body) {
        bytes(code, Codec.bytes(body));
    }

    public void bytes(int code, byte[] body) {
        bytes(code, body, "application/json");
    }

    /** A JSON body of a negotiated media type ({@code application/json;g=...;v=...;as=...}). */
    public void bytes(int code, byte[] body, String contentType) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        if (audit != null) {
            audit.response(code, body, contentType);
        }
        head(resp, code, contentType);
        // wrapped, not copied: a list body can be tens of megabytes, and nothing writes to it after this
        resp.end(BufferInternal.buffer(Unpooled.wrappedBuffer(body)));
    }

    /**
     * A body already in a (direct) buffer of its exact size, such as a list written off-heap by
     * {@link Codec#list(io.kubelite.kinds.Resource, long, String, List, ByteBufAllocator)}; this
     * request owns it from here and releases it once it is written, or was never sent.
     */
    public void bytes(int code, ByteBuf body, String contentType) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            body.release();
            return;
        }
        try {
            if (audit != null) {
                audit.response(code, () -> ByteBufUtil.getBytes(body), contentType);
            }
            head(resp, code, contentType);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        // Vert.x hands Netty an unreleasable view of it (no copy: a direct buffer goes to the socket
        // as it is), so the buffer is released here once the write has completed or failed
        resp.end(BufferInternal.buffer(body)).onComplete(ar -> body.release());
    }

    private void head(HttpServerResponse resp, int code, String contentType) {
        resp.setStatusCode(code).putHeader("Content-Type", contentType);
        List<String> all = new ArrayList<>(warnings);
        all.addAll(admission.warnings());
        for (String w : all) {
            resp.headers().add("Warning", warningHeader(w));
        }
    }

    /**
     * kube's {@code 299 - "text"} with the text quoted; a control character (a newline in an
     * unknown field's name a client sent) is escaped, since a header may not hold it.
     */
    static String warningHeader(String text) {
        StringBuilder b = new StringBuilder("299 - \"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public void text(int code, String body) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(code)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
}
