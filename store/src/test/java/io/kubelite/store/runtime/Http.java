package io.kubelite.store.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Test helper: bounded GETs against a local port and polling with a deadline. */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {}

    static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until {@code until} holds for a response; fails with the last response after the deadline. */
    static HttpResponse<String> await(int port, String path, Duration within, Predicate<HttpResponse<String>> until)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no response";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(port, path);
                if (until.test(r)) {
                    return r;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(50); // poll interval, not a wait-for-state: the loop checks the state
        }
        throw new AssertionError(
                "GET " + path + " did not reach the expected state within " + within + "; last: " + last);
    }
}
