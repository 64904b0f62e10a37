package io.kubelite.kinds.core.event;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Event;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Events ({@code v1}, namespaced; stored with a one-hour etcd lease). */
public final class EventKind {
    public static final Resource<Event> RESOURCE =
            new Resource<>("", "v1", "Event", "events", true, Event.getDefaultInstance(), List.of("ev"));

    public static final Kind<Event> KIND = Kind.of(RESOURCE)
            .columns(List.of(
                    Column.of("Last Seen", "string", "The time since the event was last seen", EventKind::lastSeen),
                    Column.of("Type", "string", "Type of this event (Normal, Warning)", (e, now) -> e.getType()),
                    Column.of("Reason", "string", "The reason for the event", (e, now) -> e.getReason()),
                    Column.of(
                            "Object",
                            "string",
                            "The object this event is about",
                            (e, now) -> e.getInvolvedObject().getKind().toLowerCase(Locale.ROOT) + "/"
                                    + e.getInvolvedObject().getName()),
                    Column.of(
                            "Message",
                            "string",
                            "A human-readable description of the event",
                            (e, now) -> e.getMessage().trim())))
            .field("involvedObject.kind", e -> e.getInvolvedObject().getKind())
            .field("involvedObject.namespace", e -> e.getInvolvedObject().getNamespace())
            .field("involvedObject.name", e -> e.getInvolvedObject().getName())
            .field("involvedObject.uid", e -> e.getInvolvedObject().getUid())
            .field("reason", Event::getReason)
            .field("type", Event::getType)
            .field("source", e -> e.getSource().getComponent())
            .build();

    private EventKind() {}

    private static String lastSeen(Event e, Instant now) {
        Timestamp last = e.hasLastTimestamp()
                ? e.getLastTimestamp()
                : e.hasEventTime() ? e.getEventTime() : e.getMetadata().getCreationTimestamp();
        return Cells.age(last, now);
    }
}
