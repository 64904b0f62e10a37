package io.kubelite.kinds.core.event;

import io.kubelite.api.Event;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * Events ({@code v1}, namespaced; stored with a one-hour etcd lease), with kube's field selectors
 * (pkg/registry/core/event: every involvedObject field, reason, type, source, reportingComponent).
 */
public final class EventKind {
    public static final Resource<Event> RESOURCE =
            new Resource<>("", "v1", "Event", "events", true, Event.getDefaultInstance(), List.of("ev"));

    public static final Kind<Event> KIND = Kind.of(RESOURCE)
            .columns(EventColumns.COLUMNS)
            .field("involvedObject.kind", e -> e.getInvolvedObject().getKind())
            .field("involvedObject.namespace", e -> e.getInvolvedObject().getNamespace())
            .field("involvedObject.name", e -> e.getInvolvedObject().getName())
            .field("involvedObject.uid", e -> e.getInvolvedObject().getUid())
            // kubectl events --for KIND/NAME selects on the apiVersion too
            .field("involvedObject.apiVersion", e -> e.getInvolvedObject().getApiVersion())
            .field("involvedObject.resourceVersion", e -> e.getInvolvedObject().getResourceVersion())
            .field("involvedObject.fieldPath", e -> e.getInvolvedObject().getFieldPath())
            .field("reason", Event::getReason)
            .field("type", Event::getType)
            .field("source", e -> e.getSource().getComponent())
            .field("reportingComponent", Event::getReportingComponent)
            .build();

    private EventKind() {}
}
