package io.kubelite.kinds.events.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Event;
import io.kubelite.api.EventSeries;
import io.kubelite.api.EventSource;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import java.text.ParseException;
import org.junit.jupiter.api.Test;

/** events.k8s.io/v1 ↔ v1 Events: every field lands where kube's conversion puts it, and back. */
class EventConversionTest {
    private final EventConversion conv = new EventConversion();

    @Test
    void coreEventConvertsFieldForFieldAndBack() throws ParseException {
        Event core = Event.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("web.1").setNamespace("default"))
                .setInvolvedObject(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setName("web")
                        .setNamespace("default"))
                .setRelated(ObjectReference.newBuilder().setKind("Node").setName("n1"))
                .setReason("Scheduled")
                .setMessage("assigned")
                .setSource(EventSource.newBuilder()
                        .setComponent("default-scheduler")
                        .setHost("h"))
                .setFirstTimestamp(Timestamps.parse("2024-05-01T10:00:00Z"))
                .setLastTimestamp(Timestamps.parse("2024-05-01T10:00:05Z"))
                .setCount(3)
                .setType("Normal")
                .setEventTime(Timestamps.parse("2024-05-01T10:00:00.123456Z"))
                .setSeries(EventSeries.newBuilder()
                        .setCount(3)
                        .setLastObservedTime(Timestamps.parse("2024-05-01T10:00:05.5Z")))
                .setAction("Binding")
                .setReportingComponent("default-scheduler")
                .setReportingInstance("default-scheduler-h")
                .build();
        io.kubelite.api.events.Event v1 = conv.fromStorage(core);
        assertThat(v1.getRegarding()).isEqualTo(core.getInvolvedObject());
        assertThat(v1.getRelated()).isEqualTo(core.getRelated());
        assertThat(v1.getNote()).isEqualTo("assigned");
        assertThat(v1.getReportingController()).isEqualTo("default-scheduler");
        assertThat(v1.getReportingInstance()).isEqualTo("default-scheduler-h");
        assertThat(v1.getDeprecatedSource()).isEqualTo(core.getSource());
        assertThat(v1.getDeprecatedFirstTimestamp()).isEqualTo(core.getFirstTimestamp());
        assertThat(v1.getDeprecatedLastTimestamp()).isEqualTo(core.getLastTimestamp());
        assertThat(v1.getDeprecatedCount()).isEqualTo(3);
        assertThat(v1.getEventTime()).isEqualTo(core.getEventTime());
        assertThat(v1.getSeries()).isEqualTo(core.getSeries());
        assertThat(v1.getMetadata()).isEqualTo(core.getMetadata());
        assertThat(conv.toStorage(v1)).isEqualTo(core);
    }

    @Test
    void unsetTimestampsStayUnset() {
        Event core = Event.newBuilder().setReason("R").build();
        io.kubelite.api.events.Event v1 = conv.fromStorage(core);
        assertThat(v1.hasEventTime()).isFalse();
        assertThat(v1.hasDeprecatedFirstTimestamp()).isFalse();
        assertThat(v1.hasSeries()).isFalse();
        assertThat(conv.toStorage(v1)).isEqualTo(core);
    }
}
