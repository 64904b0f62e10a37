package io.kubelite.store.informer;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.store.Resources;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.InMemorySources;
import io.kubelite.store.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared factory over in-memory sources: sharing, scopes, staged start, close. */
class SharedInformerFactoryTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemorySources sources = new InMemorySources();
    private final SharedInformerFactory factory = new SharedInformerFactory(sources);

    @AfterEach
    void tearDown() {
        factory.close();
        sources.close();
    }

    @Test
    void oneInformerPerResourceAndScopeSharedByEveryUser() {
        Predicate<Pod> onN1 = p -> p.getSpec().getNodeName().equals("n1");
        assertThat(factory.get(Resources.PODS)).isSameAs(factory.get(Resources.PODS));
        assertThat(factory.get(Resources.PODS, "n1", onN1)).isSameAs(factory.get(Resources.PODS, "n1", onN1))
                .isNotSameAs(factory.get(Resources.PODS));
        assertThatThrownBy(() -> factory.get(Resources.PODS, "n1", p -> true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another filter");
    }

    @Test
    void startStartsWhatIsNotStartedAndWaitForCacheSyncCoversEveryInformer() {
        sources.of(Resources.NODES).add(TestObjects.node("n1"));
        Informer<Node> nodes = factory.get(Resources.NODES);
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        assertThat(nodes.list()).hasSize(1);

        // asked for later: not synced until started too
        sources.of(Resources.PODS).add(TestObjects.pod("default", "p"));
        Informer<Pod> pods = factory.get(Resources.PODS);
        assertThat(factory.hasSynced()).isFalse();
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        assertThat(pods.get("default", "p")).isPresent();

        sources.of(Resources.PODS).delete("default", "p");
        Poll.until(WAIT, "the delete reaches the shared informer", () -> pods.get("default", "p").isEmpty());
    }

    @Test
    void closeClosesEveryInformerAndRefusesNewOnes() {
        factory.get(Resources.NODES);
        factory.get(Resources.PODS);
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        Poll.until(WAIT, "both watches open", () -> sources.of(Resources.NODES).openWatches() == 1
                && sources.of(Resources.PODS).openWatches() == 1);

        factory.close();
        factory.close();
        assertThat(sources.of(Resources.NODES).openWatches()).isZero();
        assertThat(sources.of(Resources.PODS).openWatches()).isZero();
        assertThatThrownBy(() -> factory.get(Resources.LEASES)).isInstanceOf(IllegalStateException.class);
    }
}
