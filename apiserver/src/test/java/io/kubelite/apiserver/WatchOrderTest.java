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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of changes reaches a watch complete, once each, in resourceVersion order (client-go's
 * informers rely on the order), although the watch cache encodes them in parallel.
 */
class WatchOrderTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final int PODS = 150;

    private static Pod pod(int i) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("burst-" + i)
                        .setGenerateName("burst-")
                        .setNamespace("default")
                        .putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage("nginx:1.27")))
                .build();
    }

    @Test
    void aBurstOfChangesArrivesCompleteOnceEachInRevisionOrder() throws Exception {
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local())) {
            String rv0 = api.get("/api/v1/namespaces/default/pods")
                    .json()
                    .path("metadata")
                    .path("resourceVersion")
                    .asText();
            try (TestApiServer.Watch w = api.watch("/api/v1/namespaces/default/pods?watch=1&resourceVersion=" + rv0)) {
                assertThat(w.code).isEqualTo(200);
                ObjectStore<Pod> pods = api.store().of(PodKind.RESOURCE);
                // straight to etcd, all in flight at once: the cache's etcd watch gets them back to back
                List<CompletableFuture<Pod>> made = new ArrayList<>();
                for (int i = 0; i < PODS; i++) {
                    made.add(pods.create(pod(i)));
                }
                List<CompletableFuture<Pod>> updated = new ArrayList<>();
                for (CompletableFuture<Pod> f : made) {
                    Pod p = f.join();
                    updated.add(pods.update(p.toBuilder()
                            .setSpec(p.getSpec().toBuilder()
                                    .setNodeName("node-" + p.getMetadata().getName()))
                            .build()));
                }
                Map<String, String> lastVersion = new HashMap<>();
                for (CompletableFuture<Pod> f : updated) {
                    Pod p = f.join();
                    lastVersion.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion());
                }
                long previous = Long.parseLong(rv0);
                Map<String, List<String>> types = new HashMap<>();
                for (int n = 0; n < 2 * PODS; n++) {
                    JsonNode e = w.nextNonBookmark();
                    JsonNode meta = e.path("object").path("metadata");
                    long rv = meta.path("resourceVersion").asLong();
                    assertThat(rv)
                            .as("event %d (%s) after revision %d", n, e, previous)
                            .isGreaterThan(previous);
                    previous = rv;
                    String name = meta.path("name").asText();
                    types.computeIfAbsent(name, k -> new ArrayList<>())
                            .add(e.path("type").asText());
                    if (e.path("type").asText().equals("MODIFIED")) {
                        assertThat(e.path("object")
                                        .path("spec")
                                        .path("nodeName")
                                        .asText())
                                .isEqualTo("node-" + name);
                        assertThat(meta.path("resourceVersion").asText()).isEqualTo(lastVersion.get(name));
                    }
                }
                assertThat(types).hasSize(PODS);
                assertThat(types.values()).allSatisfy(t -> assertThat(t).containsExactly("ADDED", "MODIFIED"));
                assertThat(w.poll(200)).as("nothing more").isNull();
            }
        }
    }
}
