package io.kubelite.bench.metrics;

import io.kubelite.bench.common.Percentiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * Times plain HTTP/1.1 GETs with the JDK's HttpClient (what metrics-server's kubelet client is),
 * one after another or a whole batch at a fixed concurrency, so that a kubelet-sim Summary and a
 * fixed body of the same size are fetched by the same code.
 */
final class GetTimer {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The body of one GET; fails on a status other than 200. */
    byte[] get(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(req.uri() + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** {@code count} GETs of {@code requests.apply(i)} one after another, after {@code count / 10} unmeasured ones. */
    Percentiles sequential(IntFunction<HttpRequest> requests, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count / 10; i++) {
            get(requests.apply(i));
        }
        long[] took = new long[count];
        for (int i = 0; i < count; i++) {
            HttpRequest req = requests.apply(i);
            long t0 = System.nanoTime();
            get(req);
            took[i] = System.nanoTime() - t0;
        }
        return Percentiles.of(took);
    }

    /**
     * Seconds to GET {@code requests.apply(0 .. count-1)} with {@code concurrency} in flight: the
     * shape of one scrape cycle of {@code count} nodes at metrics-server's scrape concurrency.
     */
    double batchSeconds(IntFunction<HttpRequest> requests, int count, int concurrency) {
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            long t0 = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpRequest req = requests.apply(i);
                all.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                get(req);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        workers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            workers.shutdownNow();
        }
    }
}
