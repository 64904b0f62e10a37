package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.watch.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watch cache's history: bounded by kube's 75 s window and a size cap, holding no encodings. */
class ChangeHistoryTest {
    private final AtomicLong now = new AtomicLong();

    private static WatchChange<Pod> change(long rev) {
        Pod p = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p" + rev)
                        .setNamespace("default")
                        .setResourceVersion(Long.toString(rev)))
                .build();
        return new WatchChange<>(
                PodKind.RESOURCE, WatchEvent.Type.ADDED, p, null, rev, Codec.typed(PodKind.RESOURCE, p));
    }

    private static List<Long> replayed(ChangeHistory<Pod> h, long after) {
        List<Long> out = new ArrayList<>();
        h.replayAfter(after, c -> out.add(c.revision()));
        return out;
    }

    @Test
    void changesOlderThanTheWindowGoOnceMoreThanTheMinimumAreHeld() {
        ChangeHistory<Pod> h = new ChangeHistory<>(10_000, Duration.ofSeconds(75), now::get);
        for (long rev = 1; rev <= 150; rev++) {
            h.add(change(rev));
        }
        now.addAndGet(Duration.ofSeconds(76).toNanos());
        h.add(change(151));
        // 150 changes older than the window; the newest ones are kept up to the minimum
        assertThat(h.size()).isEqualTo(ChangeHistory.MIN_HELD);
        // revisions 52..151 held: a watch from 51 is served, from 50 it is 410 Expired
        assertThat(h.start()).isEqualTo(51);
        assertThat(h.holds(50)).isFalse();
        assertThat(h.holds(51)).isTrue();
        assertThat(replayed(h, 51)).first().isEqualTo(52L);
        assertThat(replayed(h, 51)).last().isEqualTo(151L);
    }

    @Test
    void withinTheWindowTheCapacityBounds() {
        ChangeHistory<Pod> h = new ChangeHistory<>(200, Duration.ofSeconds(75), now::get);
        for (long rev = 1; rev <= 500; rev++) {
            h.add(change(rev));
        }
        assertThat(h.size()).isEqualTo(200);
        assertThat(h.start()).isEqualTo(300);
        assertThat(h.holds(299)).isFalse();
        assertThat(replayed(h, 300)).hasSize(200);
        // a quiet resource: trim alone (the periodic bookmark's) drops what aged out
        now.addAndGet(Duration.ofSeconds(80).toNanos());
        h.trim();
        assertThat(h.size()).isEqualTo(ChangeHistory.MIN_HELD);
    }

    @Test
    void replayedChangesAreEncodedAgainAsTheOriginalWas() {
        ChangeHistory<Pod> h = new ChangeHistory<>(10, Duration.ofSeconds(75), now::get);
        WatchChange<Pod> c = change(7);
        h.add(c);
        List<WatchChange<Pod>> out = new ArrayList<>();
        h.replayAfter(0, out::add);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isNotSameAs(c);
        assertThat(out.get(0).line().toString()).isEqualTo(c.line().toString());
        assertThat(out.get(0).text()).isEqualTo(c.text());
        assertThat(out.get(0).typedJson()).isEqualTo(c.typedJson());
    }
}
