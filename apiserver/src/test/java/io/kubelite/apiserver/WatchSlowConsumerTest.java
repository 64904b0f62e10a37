package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared-buffer fan-out keeps kube's slow-watcher rule: a watcher that stops reading is
 * dropped once its connection's write queue is full, while a watcher that reads gets every
 * event, in order.
 */
class WatchSlowConsumerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void aWatcherThatStopsReadingIsDroppedOthersGetEverything() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            WatchCache<Pod> cache = api.server().cache(PodKind.RESOURCE);
            URI u = URI.create(api.url());
            try (Socket stalled = new Socket(u.getHost(), u.getPort());
                    TestApiServer.Watch reader =
                            api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + cache.revision())) {
                // a tiny receive buffer, and it never reads: the server's queue for it must fill
                stalled.setReceiveBufferSize(4096);
                OutputStream o = stalled.getOutputStream();
                o.write(("GET /api/v1/namespaces/default/pods?watch=1&resourceVersion=" + cache.revision()
                                + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                o.flush();
                Poll.until(Duration.ofSeconds(10), "both watching", () -> cache.watchers() >= 2);
                int before = cache.watchers();
                // 640 pods of ~64 KiB: ~40 MiB of events, well over the 16 MiB write queue plus socket buffers
                ObjectStore<Pod> pods = api.store().of(PodKind.RESOURCE);
                String blob = "x".repeat(64 * 1024);
                List<CompletableFuture<Pod>> made = new ArrayList<>();
                for (int i = 0; i < 640; i++) {
                    made.add(pods.create(Pod.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName(String.format("big-%03d", i))
                                    .putAnnotations("blob", blob))
                            .setSpec(PodSpec.newBuilder()
                                    .addContainers(
                                            Container.newBuilder().setName("c").setImage("nginx:1.27")))
                            .build()));
                    if (made.size() % 16 == 0) {
                        CompletableFuture.allOf(made.toArray(CompletableFuture[]::new))
                                .join();
                    }
                }
                CompletableFuture.allOf(made.toArray(CompletableFuture[]::new)).join();
                Poll.until(Duration.ofSeconds(30), "the stalled watcher dropped", () -> cache.watchers() == before - 1);
                // the reading watcher: every pod once, in revision order
                java.util.Set<String> names = new java.util.HashSet<>();
                long last = 0;
                while (names.size() < 640) {
                    var e = reader.nextNonBookmark();
                    assertThat(e.path("type").asText()).isEqualTo("ADDED");
                    long rv = e.path("object")
                            .path("metadata")
                            .path("resourceVersion")
                            .asLong();
                    assertThat(rv).isGreaterThan(last);
                    last = rv;
                    assertThat(names.add(e.path("object")
                                    .path("metadata")
                                    .path("name")
                                    .asText()))
                            .isTrue();
                }
            }
        }
    }
}
