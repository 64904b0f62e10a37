package io.kubelite.store.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.InMemorySources;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        assertThat(factory.get(PodKind.RESOURCE)).isSameAs(factory.get(PodKind.RESOURCE));
        assertThat(factory.get(PodKind.RESOURCE, "n1", onN1))
                .isSameAs(factory.get(PodKind.RESOURCE, "n1", onN1))
                .isNotSameAs(factory.get(PodKind.RESOURCE));
        assertThatThrownBy(() -> factory.get(PodKind.RESOURCE, "n1", p -> true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another filter");
    }

    @Test
    void startStartsWhatIsNotStartedAndWaitForCacheSyncCoversEveryInformer() {
        sources.of(NodeKind.RESOURCE).add(TestObjects.node("n1"));
        Informer<Node> nodes = factory.get(NodeKind.RESOURCE);
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        assertThat(nodes.list()).hasSize(1);

        // asked for later: not synced until started too
        sources.of(PodKind.RESOURCE).add(TestObjects.pod("default", "p"));
        Informer<Pod> pods = factory.get(PodKind.RESOURCE);
        assertThat(factory.hasSynced()).isFalse();
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        assertThat(pods.get("default", "p")).isPresent();

        sources.of(PodKind.RESOURCE).delete("default", "p");
        Poll.until(
                WAIT,
                "the delete reaches the shared informer",
                () -> pods.get("default", "p").isEmpty());
    }

    @Test
    void closeClosesEveryInformerAndRefusesNewOnes() {
        factory.get(NodeKind.RESOURCE);
        factory.get(PodKind.RESOURCE);
        factory.start();
        assertThat(factory.waitForCacheSync(WAIT)).isTrue();
        Poll.until(
                WAIT,
                "both watches open",
                () -> sources.of(NodeKind.RESOURCE).openWatches() == 1
                        && sources.of(PodKind.RESOURCE).openWatches() == 1);

        factory.close();
        factory.close();
        assertThat(sources.of(NodeKind.RESOURCE).openWatches()).isZero();
        assertThat(sources.of(PodKind.RESOURCE).openWatches()).isZero();
        assertThatThrownBy(() -> factory.get(LeaseKind.RESOURCE)).isInstanceOf(IllegalStateException.class);
    }
}
