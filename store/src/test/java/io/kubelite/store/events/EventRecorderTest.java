package io.kubelite.store.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Event;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a recorder leaves in etcd: one Event per name, its count the times it was recorded. */
class EventRecorderTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private EventRecorder recorder;
    private ObjectStore<Event> events;

    @BeforeEach
    void setUp() {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        recorder = new EventRecorder(etcd, "test-controller", "host-a");
        events = new Store(etcd).of(EventKind.RESOURCE);
    }

    @AfterEach
    void tearDown() {
        recorder.close();
    }

    private static ObjectReference pod(int i) {
        return EventRecorder.ref(
                "v1",
                "Pod",
                ObjectMeta.newBuilder()
                        .setNamespace("ns")
                        .setName("pod-" + i)
                        .setUid("uid-" + i)
                        .build());
    }

    private List<Event> stored() {
        return events.list(ListOptions.inNamespace("ns")).join().items();
    }

    @Test
    void aBurstOfEventsIsWrittenWholeOneObjectEach() {
        // as a ReplicaSet controller creating 500 pods at once records one SuccessfulCreate each
        for (int i = 0; i < 500; i++) {
            recorder.normal(pod(i), "SuccessfulCreate", "Created pod: pod-" + i);
        }
        List<Event> seen = Poll.until(WAIT, "500 Events stored, count 1 each", this::stored, l -> l.size() == 500);
        assertThat(seen).allSatisfy(e -> {
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getFirstTimestamp()).isEqualTo(e.getLastTimestamp());
            assertThat(e.getMetadata().getUid()).isNotEmpty();
            assertThat(e.getSource().getComponent()).isEqualTo("test-controller");
        });
    }

    @Test
    void repeatsRecordedTogetherBumpOneEventsCount() {
        // the writers race on the same name: etcd's compares must make the count exact
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 20; i++) {
                recorder.warning(pod(i), "BackOff", "Back-off restarting failed container");
            }
        }
        Poll.until(WAIT, "every write done", recorder::idle);
        Map<String, Integer> counts = stored().stream()
                .collect(Collectors.toMap(e -> e.getInvolvedObject().getName(), Event::getCount));
        assertThat(counts)
                .hasSize(20)
                .allSatisfy(
                        (pod, count) -> assertThat(count).as("count of %s", pod).isEqualTo(6));
    }
}
