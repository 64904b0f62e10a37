package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GuaranteedUpdateConcurrencyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void eightThreadsTimesFiveHundredIncrementsEndAtExactlyFourThousand() throws Exception {
        Store store = new Store(ETCD.connect(ETCD.newPrefix()));
        ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
        pods.create(TestObjects.pod("default", "counter").toBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace("default")
                                .setName("counter")
                                .putAnnotations("n", "0"))
                        .build())
                .join();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        pods.guaranteedUpdate("default", "counter", p -> {
                                    int n = Integer.parseInt(p.getMetadata().getAnnotationsOrThrow("n"));
                                    return p.toBuilder()
                                            .setMetadata(p.getMetadata().toBuilder()
                                                    .putAnnotations("n", Integer.toString(n + 1)))
                                            .build();
                                })
                                .join();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Pod p = pods.get("default", "counter").join();
        assertThat(p.getMetadata().getAnnotationsOrThrow("n")).isEqualTo("4000");
    }
}
