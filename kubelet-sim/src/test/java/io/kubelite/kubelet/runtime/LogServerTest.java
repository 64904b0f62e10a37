package io.kubelite.kubelet.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogServerTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final ContainerLogStore logs = new ContainerLogStore(clock::get);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LogServer server;

    @BeforeEach
    void start() throws Exception {
        server = new LogServer("127.0.0.1", 0, logs);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTailTimestampsAndTheKubeletsErrors() throws Exception {
        ContainerLog log = logs.newInstance("default", "web", "uid-1", "c");
        log.write("one\ntwo\nthree\n");

        HttpResponse<String> all = get("/containerLogs/default/web/c");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(all.body()).isEqualTo("one\ntwo\nthree\n");
        assertThat(get("/containerLogs/default/web/c?tailLines=1").body()).isEqualTo("three\n");
        assertThat(get("/containerLogs/default/web/c?tailLines=1&timestamps").body())
                .isEqualTo("2023-11-14T22:13:20Z three\n");
        assertThat(get("/containerLogs/default/web/c?tailLines=x").statusCode()).isEqualTo(400);
        assertThat(get("/containerLogs/default/web/c?previous=true").statusCode())
                .isEqualTo(400);
        assertThat(get("/containerLogs/default/web/other").statusCode()).isEqualTo(400);
        assertThat(get("/containerLogs/default/nope/c").statusCode()).isEqualTo(404);
        assertThat(get("/containerLogs/default/web").statusCode()).isEqualTo(404);
        assertThat(get("/healthz").body()).isEqualTo("ok");
    }

    @Test
    void followSendsTheTailThenNewLinesAndEndsWithTheInstance() throws Exception {
        ContainerLog log = logs.newInstance("default", "web", "uid-1", "c");
        log.write("old-1\nold-2\n");
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                + "/containerLogs/default/web/c?follow=true&tailLines=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("old-2");
            log.write("new-1\n");
            assertThat(in.readLine()).isEqualTo("new-1");
            log.write("new-2\npartial");
            assertThat(in.readLine()).isEqualTo("new-2");
            // the instance ends: its partial line is flushed and the response ends
            log.close();
            assertThat(in.readLine()).isEqualTo("partial");
            CompletableFuture<String> eof = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(eof.get(10, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void closeEndsFollowersAndIsIdempotent() throws Exception {
        logs.newInstance("default", "web", "uid-1", "c").write("x\n");
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/containerLogs/default/web/c?follow"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("x");
        server.close();
        server.close();
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine() == null;
            } catch (Exception e) {
                return true; // the connection was reset: ended too
            }
        });
        assertThat(ended.get(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
}
