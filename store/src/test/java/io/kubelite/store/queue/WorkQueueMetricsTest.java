package io.kubelite.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The workqueue metrics as Prometheus scrapes them: client-go's names, the queue's name label, gone with the queue. */
class WorkQueueMetricsTest {
    @Test
    void aQueuePublishesClientGosMetricsUntilClosed() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkQueue<String> q = WorkQueue.builder("deployment")
                .metrics(WorkQueueMetrics.of(registry))
                .build();
        q.add("a");
        q.add("a"); // a duplicate of a waiting key: not an add
        q.add("b");
        q.start();
        String first = q.get(Duration.ofSeconds(5));
        String text = registry.scrape();
        assertThat(text)
                .contains("workqueue_adds_total{name=\"deployment\"} 2.0")
                .contains("workqueue_depth{name=\"deployment\"} 1.0")
                .contains("workqueue_queue_duration_seconds_count{name=\"deployment\"} 1")
                .contains("workqueue_queue_duration_seconds_bucket{name=\"deployment\",le=\"10.0\"} 1")
                .contains("workqueue_work_duration_seconds_count{name=\"deployment\"} 0")
                .containsPattern("workqueue_longest_running_processor_seconds\\{name=\"deployment\"} [0-9.E-]+")
                .contains("workqueue_retries_total{name=\"deployment\"} 0.0");
        q.addRateLimited(first);
        q.done(first);
        assertThat(registry.scrape())
                .contains("workqueue_work_duration_seconds_count{name=\"deployment\"} 1")
                .contains("workqueue_retries_total{name=\"deployment\"} 1.0")
                .contains("workqueue_longest_running_processor_seconds{name=\"deployment\"} 0.0");
        q.close();
        assertThat(registry.scrape()).doesNotContain("name=\"deployment\"");

        // the next term's queue of the same name publishes its own counts, not the closed one's
        WorkQueue<String> next = WorkQueue.builder("deployment")
                .metrics(WorkQueueMetrics.of(registry))
                .build();
        CountDownLatch reconciled = new CountDownLatch(1);
        next.start(1, k -> {
            reconciled.countDown();
            return Result.done();
        });
        next.add("c");
        assertThat(reconciled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.scrape()).contains("workqueue_adds_total{name=\"deployment\"} 1.0");
        next.close();
    }
}
