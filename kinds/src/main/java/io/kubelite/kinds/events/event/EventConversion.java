package io.kubelite.kinds.events.event;

import io.kubelite.api.Event;
import io.kubelite.kinds.Storage;

/**
 * {@code events.k8s.io/v1} Event ↔ {@code v1} Event, field for field as kube's conversion
 * does: {@code regarding}↔{@code involvedObject}, {@code note}↔{@code message},
 * {@code reportingController}↔{@code reportingComponent}, {@code deprecatedSource},
 * {@code deprecatedFirstTimestamp}, {@code deprecatedLastTimestamp} and
 * {@code deprecatedCount} ↔ {@code source}, {@code firstTimestamp}, {@code lastTimestamp}
 * and {@code count}; the rest share names. Presence is kept: an unset timestamp stays unset.
 */
final class EventConversion implements Storage.Conversion<io.kubelite.api.events.Event, Event> {

    @Override
    public Event toStorage(io.kubelite.api.events.Event e) {
        Event.Builder b = Event.newBuilder()
                .setReason(e.getReason())
                .setMessage(e.getNote())
                .setCount(e.getDeprecatedCount())
                .setType(e.getType())
                .setAction(e.getAction())
                .setReportingComponent(e.getReportingController())
                .setReportingInstance(e.getReportingInstance());
        if (e.hasMetadata()) {
            b.setMetadata(e.getMetadata());
        }
        if (e.hasRegarding()) {
            b.setInvolvedObject(e.getRegarding());
        }
        if (e.hasRelated()) {
            b.setRelated(e.getRelated());
        }
        if (e.hasDeprecatedSource()) {
            b.setSource(e.getDeprecatedSource());
        }
        if (e.hasDeprecatedFirstTimestamp()) {
            b.setFirstTimestamp(e.getDeprecatedFirstTimestamp());
        }
        if (e.hasDeprecatedLastTimestamp()) {
            b.setLastTimestamp(e.getDeprecatedLastTimestamp());
        }
        if (e.hasEventTime()) {
            b.setEventTime(e.getEventTime());
        }
        if (e.hasSeries()) {
            b.setSeries(e.getSeries());
        }
        return b.build();
    }

    @Override
    public io.kubelite.api.events.Event fromStorage(Event e) {
        io.kubelite.api.events.Event.Builder b = io.kubelite.api.events.Event.newBuilder()
                .setReason(e.getReason())
                .setNote(e.getMessage())
                .setDeprecatedCount(e.getCount())
                .setType(e.getType())
                .setAction(e.getAction())
                .setReportingController(e.getReportingComponent())
                .setReportingInstance(e.getReportingInstance());
        if (e.hasMetadata()) {
            b.setMetadata(e.getMetadata());
        }
        if (e.hasInvolvedObject()) {
            b.setRegarding(e.getInvolvedObject());
        }
        if (e.hasRelated()) {
            b.setRelated(e.getRelated());
        }
        if (e.hasSource()) {
            b.setDeprecatedSource(e.getSource());
        }
        if (e.hasFirstTimestamp()) {
            b.setDeprecatedFirstTimestamp(e.getFirstTimestamp());
        }
        if (e.hasLastTimestamp()) {
            b.setDeprecatedLastTimestamp(e.getLastTimestamp());
        }
        if (e.hasEventTime()) {
            b.setEventTime(e.getEventTime());
        }
        if (e.hasSeries()) {
            b.setSeries(e.getSeries());
        }
        return b.build();
    }
}
