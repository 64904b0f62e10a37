package io.kubelite.kinds.events.event;

import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.core.event.EventKind;
import java.util.List;

/**
 * Events as {@code events.k8s.io/v1} serves them (namespaced): the same objects as
 * {@code v1} Events, in the same etcd keys, converted both ways by {@link EventConversion};
 * the table is the {@code v1} Event's.
 */
public final class EventsEventKind {
    public static final Resource<io.kubelite.api.events.Event> RESOURCE = new Resource<>(
            "events.k8s.io",
            "v1",
            "Event",
            "events",
            true,
            io.kubelite.api.events.Event.getDefaultInstance(),
            List.of("ev"));

    public static final Kind<io.kubelite.api.events.Event> KIND =
            Kind.of(RESOURCE).storedAs(EventKind.KIND, new EventConversion()).build();

    private EventsEventKind() {}
}
