package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.testing.EtcdExtension;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A watch without resourceVersion starts "from the most recent": its initial ADDED events
 * include every write etcd acknowledged before the request (kube's consistent read from
 * cache), even when the watch cache has not yet applied it.
 */
class WatchFromNowTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static Pod pod(String name, String version) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .putLabels("app", "web")
                        .putLabels("version", version))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage("nginx:1.27")))
                .build();
    }

    @Test
    void unsetResourceVersionSeesEveryAcknowledgedWrite() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            ObjectStore<Pod> pods = api.store().of(PodKind.RESOURCE);
            for (int i = 0; i < 40; i++) {
                String name = "fresh-" + i;
                // straight to etcd, not through this API server: its cache learns of it only by its etcd watch
                Pod made = pods.create(pod(name, "1")).join();
                Pod updated = pods.update(made.toBuilder()
                                .setMetadata(made.getMetadata().toBuilder().putLabels("version", "2"))
                                .build())
                        .join();
                String path = i % 2 == 0
                        ? "/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3D" + name
                        : "/api/v1/watch/namespaces/default/pods/" + name;
                try (TestApiServer.Watch w = api.watch(path)) {
                    assertThat(w.code).isEqualTo(200);
                    // a lagging cache would start with version 1 (then MODIFIED) or miss the pod (then ADDED later)
                    JsonNode first = w.nextNonBookmark();
                    assertThat(first.path("type").asText()).as("watch %d", i).isEqualTo("ADDED");
                    assertThat(first.path("object")
                                    .path("metadata")
                                    .path("labels")
                                    .path("version")
                                    .asText())
                            .as("watch %d", i)
                            .isEqualTo("2");
                    assertThat(first.path("object")
                                    .path("metadata")
                                    .path("resourceVersion")
                                    .asText())
                            .isEqualTo(updated.getMetadata().getResourceVersion());
                    assertThat(w.poll(50)).as("nothing after the initial state").isNull();
                }
            }
            // resourceVersion=0 keeps "any state the cache has" (no etcd read)
            try (TestApiServer.Watch w = api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=0"
                    + "&fieldSelector=metadata.name%3Dfresh-0")) {
                assertThat(w.nextNonBookmark().path("type").asText()).isEqualTo("ADDED");
            }
        }
    }

    @Test
    void freshWhenCaughtUpOrWhenNoPendingChangeCanAlterTheSet() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            ObjectStore<Pod> pods = api.store().of(PodKind.RESOURCE);
            WatchCache<Pod> cache = api.server().cache(PodKind.RESOURCE);
            Pod a = pods.create(pod("a", "1")).join();
            long ra = Long.parseLong(a.getMetadata().getResourceVersion());
            io.kubelite.store.testing.Poll.until(
                    java.time.Duration.ofSeconds(10), "cache has a", () -> cache.revision() >= ra);
            long rev = cache.revision();
            int n = cache.size();
            // etcd moved on under other prefixes only: same newest key, same count -> fresh at once
            assertThat(cache.awaitFresh(new EtcdState(rev + 1000, ra, n))).isDone();
            // a pod created and then updated: fresh only once the update (the newest key) is in
            CompletableFuture<Void> created = cache.awaitFresh(new EtcdState(rev + 1000, rev + 2, n + 1));
            assertThat(created).isNotDone();
            Pod b = pods.create(pod("b", "1")).join();
            io.kubelite.store.testing.Poll.until(
                    java.time.Duration.ofSeconds(10), "cache has b", () -> cache.get("default", "b") != null);
            assertThat(created).isNotDone();
            pods.update(b.toBuilder()
                            .setMetadata(b.getMetadata().toBuilder().putLabels("version", "2"))
                            .build())
                    .join();
            created.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // a pending delete: etcd has one key fewer than the cache until the delete is applied
            long now = cache.revision();
            CompletableFuture<Void> deleted = cache.awaitFresh(new EtcdState(now + 1000, now, cache.size() - 1));
            assertThat(deleted).isNotDone();
            pods.delete("default", "a").join();
            deleted.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // a waiter the caller gives up on (its timeout) is dropped
            CompletableFuture<Void> never = cache.awaitFresh(new EtcdState(now + 1000, now + 1000, 0));
            never.cancel(false);
            assertThat(never).isCancelled();
        }
    }
}
