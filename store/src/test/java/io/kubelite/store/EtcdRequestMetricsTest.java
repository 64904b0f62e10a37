package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each typed-store request to a real etcd shows in kube's etcd_request_duration_seconds, by operation and type. */
class EtcdRequestMetricsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void requestsAreTimedByOperationAndResource() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        etcd.recordRequests(EtcdRequestMetrics.of(registry));
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        Pod p = pods.create(TestObjects.pod("default", "a")).join();
        pods.get("default", "a").join();
        pods.update(p.toBuilder()
                        .setMetadata(p.getMetadata().toBuilder().putLabels("x", "y"))
                        .build())
                .join();
        try {
            pods.get("default", "missing").join();
        } catch (CompletionException expected) {
            // a failed request is timed too
        }
        pods.delete("default", "a").join();
        String text = registry.scrape();
        assertThat(text)
                .contains("etcd_request_duration_seconds_count{operation=\"create\",type=\"/registry/pods\"} 1")
                .contains("etcd_request_duration_seconds_count{operation=\"get\",type=\"/registry/pods\"} 2")
                .contains("etcd_request_duration_seconds_count{operation=\"update\",type=\"/registry/pods\"} 1")
                .contains("etcd_request_duration_seconds_count{operation=\"delete\",type=\"/registry/pods\"} 1")
                .contains(
                        "etcd_request_duration_seconds_bucket{operation=\"get\",type=\"/registry/pods\",le=\"60.0\"} 2");
    }
}
