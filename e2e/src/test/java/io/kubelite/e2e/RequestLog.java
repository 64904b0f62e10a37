package io.kubelite.e2e;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A fabric8 client's request history (time since creation, method, path and query, and the
 * outcome), so that a failed test can say what the client did: which lists and watches it
 * sent, from which resourceVersion, and what each got. Install with
 * {@code withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("log", log))}.
 */
final class RequestLog implements Interceptor {
    private final long t0 = System.nanoTime();
    private final List<String> lines = new ArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        add("-> " + request.method() + " " + describe(request));
    }

    @Override
    public void after(
            HttpRequest request,
            HttpResponse<?> response,
            io.fabric8.kubernetes.client.http.AsyncBody.Consumer<List<java.nio.ByteBuffer>> consumer) {
        add("<- " + response.code() + " " + describe(request));
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
        add("<- failed " + response.code() + " " + describe(response.request()));
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        add("<- connection failed (" + failure + ") " + describe(request));
    }

    private static String describe(HttpRequest r) {
        String q = r.uri().getRawQuery();
        return r.uri().getPath() + (q == null ? "" : "?" + URLDecoder.decode(q, StandardCharsets.UTF_8));
    }

    private synchronized void add(String line) {
        lines.add(String.format("%7d ms %s", (System.nanoTime() - t0) / 1_000_000, line));
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }
}
