package io.kubelite.store.informer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectCacheTest {
    record Item(String node, int version) {}

    private final ObjectCache<Item> cache = new ObjectCache<>(Map.of("node", (Indexer<Item>) i -> List.of(i.node())));

    @Test
    void aNewVersionWithTheSameIndexValuesStaysFoundAndAMovedOneMoves() {
        cache.put("default/a", new Item("n1", 1));
        cache.put("default/a", new Item("n1", 2));
        assertThat(cache.byIndex("node", "n1")).containsExactly(new Item("n1", 2));

        cache.put("default/a", new Item("n2", 3));
        assertThat(cache.byIndex("node", "n1")).isEmpty();
        assertThat(cache.byIndex("node", "n2")).containsExactly(new Item("n2", 3));
        assertThat(cache.indexValues("node")).containsExactly("n2");

        cache.remove("default/a");
        assertThat(cache.byIndex("node", "n2")).isEmpty();
    }
}
