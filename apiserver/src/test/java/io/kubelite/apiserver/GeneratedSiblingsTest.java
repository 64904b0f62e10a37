package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.kinds.core.pod.PodKind;
import org.junit.jupiter.api.Test;

/** A new object's likeliest twin: the last one of its generateName in its namespace. */
class GeneratedSiblingsTest {
    private static Pod pod(String namespace, String name, String generateName) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name)
                        .setGenerateName(generateName))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("pause").setImage("pause:3.9")))
                .build();
    }

    @Test
    void theLastOfAGenerateNameInItsNamespaceIsTheSibling() {
        GeneratedSiblings<Pod> s = new GeneratedSiblings<>(PodKind.RESOURCE, 10);
        Pod a = pod("ns", "web-a", "web-");
        Pod b = pod("ns", "web-b", "web-");
        assertThat(s.of(a)).isNull();
        s.remember(a);
        s.remember(b);
        assertThat(s.of(pod("ns", "web-c", "web-"))).isSameAs(b);
        // another namespace, another generateName, or none: no sibling
        assertThat(s.of(pod("other", "web-c", "web-"))).isNull();
        assertThat(s.of(pod("ns", "db-a", "db-"))).isNull();
        s.remember(pod("ns", "plain", ""));
        assertThat(s.of(pod("ns", "plain2", ""))).isNull();
    }

    @Test
    void onlyTheMostRecentlySeenGenerateNamesAreKept() {
        GeneratedSiblings<Pod> s = new GeneratedSiblings<>(PodKind.RESOURCE, 2);
        s.remember(pod("ns", "a-1", "a-"));
        s.remember(pod("ns", "b-1", "b-"));
        s.remember(pod("ns", "c-1", "c-"));
        assertThat(s.of(pod("ns", "a-2", "a-"))).isNull();
        assertThat(s.of(pod("ns", "c-2", "c-"))).isNotNull();
    }

    @Test
    void aNewPodSharedWithItsSiblingTakesTheSiblingsSpec() {
        SharedSubtrees shared = new SharedSubtrees();
        Pod first = shared.share(pod("ns", "web-a", "web-"));
        Pod in = pod("ns", "web-b", "web-");
        Pod second = shared.share(in, first);
        assertThat(second).isEqualTo(in);
        assertThat(second.getSpec()).isSameAs(first.getSpec());
        assertThat(second.getMetadata().getName()).isEqualTo("web-b");
    }
}
