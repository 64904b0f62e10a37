package io.kubelite.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CrdStatus;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The refresh contract: a refresh returns at once, the previous documents are served while new
 * ones are made, and refreshes asked for meanwhile coalesce into one more run that sees the last
 * state.
 */
class LiveOpenApiDocumentsTest {
    static final OpenApiDocuments BUILT_IN = OpenApiDocuments.generate("v1.32.0", io.kubelite.kinds.Kinds.resources());

    static CustomResourceDefinition crd(String group) {
        CustomResourceDefinition c = ApiJson.parse(
                        """
                        {"metadata":{"name":"things.%s"},"spec":{"group":"%s","scope":"Namespaced",
                         "names":{"plural":"things","kind":"Thing","listKind":"ThingList"},
                         "versions":[{"name":"v1","served":true,"storage":true,
                          "schema":{"openAPIV3Schema":{"type":"object"}}}]}}
                        """.formatted(group, group), CustomResourceDefinition.getDefaultInstance())
                .message();
        return CrdStatus.established(c, Instant.now());
    }

    @Test
    void servesThePreviousDocumentsWhileRegeneratingAndCoalescesRefreshes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<List<CustomResourceDefinition>> served = new AtomicReference<>(List.of(crd("a.example.org")));
        try (LiveOpenApiDocuments live = new LiveOpenApiDocuments(BUILT_IN, () -> {
            List<CustomResourceDefinition> now = served.get(); // what a run reads when it starts
            runs.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS); // a slow generation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return now;
        })) {
            live.refresh();
            Poll.until(Duration.ofSeconds(5), "the first run to start", () -> runs.get() == 1);
            assertThat(live.current())
                    .as("the previous documents while the first run is busy")
                    .isSameAs(BUILT_IN);
            served.set(List.of(crd("a.example.org"), crd("b.example.org")));
            live.refresh();
            live.refresh();
            live.refresh();
            release.countDown();
            Poll.until(
                    Duration.ofSeconds(5),
                    "the last CRDs published",
                    () -> live.current().v3("apis/b.example.org/v1") != null);
            assertThat(live.current().v3("apis/a.example.org/v1")).isNotNull();
            Poll.holds(
                    Duration.ofMillis(300),
                    "three refreshes during a run make one more run",
                    () -> assertThat(runs.get()).isEqualTo(2));
        }
    }
}
