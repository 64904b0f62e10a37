package io.kubelite.dashboard.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One followed container log: {@code GET pods/NAME/log?follow=true&tailLines=N} through the API
 * server with the credential it is given (the signed-in user's), read line by line on its own
 * daemon thread and handed to a {@link Listener}. {@link #close()} closes the response body, which
 * ends the API server's request (and its kubelet proxy) and the thread; idempotent. Lifecycle:
 * LATENT → {@link #start()} → CLOSED.
 */
public final class LogTail implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a tail reports; called on the tail's thread. */
    public interface Listener {
        void line(String line);

        /** The API server refused (status, its message) or the stream broke (status 0). */
        void failed(int status, String message);

        /** The log ended: the container stopped, or a previous instance's log was read whole. */
        void ended();
    }

    private final ApiServerConnection api;
    private final String path;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile InputStream body;

    public LogTail(ApiServerConnection api, String path, Listener listener) {
        this.api = api;
        this.path = path;
        this.listener = listener;
        this.thread = new Thread(this::run, "dashboard-log-tail");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            HttpResponse<InputStream> r = api.openStream(path, Duration.ofSeconds(30));
            body = r.body();
            if (closed) {
                body.close();
                return;
            }
            if (r.statusCode() != 200) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                body.close();
                listener.failed(r.statusCode(), message(text, r.statusCode()));
                return;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while (!closed && (line = lines.readLine()) != null) {
                    listener.line(line);
                }
            }
            if (!closed) {
                listener.ended();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                listener.failed(0, "the log stream broke: " + e.getMessage());
            }
        }
    }

    /** The API server's Status message, else the start of the body. */
    private static String message(String body, int status) {
        try {
            String m = JSON.readTree(body).path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException ignored) {
            // not a Status
        }
        return body.isBlank() ? "the API server answered HTTP " + status : body.strip();
    }

    @Override
    public void close() {
        closed = true;
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
