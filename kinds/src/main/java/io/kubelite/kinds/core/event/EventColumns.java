package io.kubelite.kinds.core.event;

import io.kubelite.api.Event;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * kube's event columns and cells ({@code eventColumnDefinitions}, {@code printEvent}):
 * {@code kubectl get events} shows LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; {@code -o wide}
 * adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT and NAME.
 */
final class EventColumns {
    static final List<Column<Event>> COLUMNS = List.of(
            Column.of(
                    "Last Seen",
                    "string",
                    "The time at which the most recent occurrence of this event was recorded.",
                    EventColumns::lastSeen),
            Column.of(
                    "Type",
                    "string",
                    "Type of this event (Normal, Warning), new types could be added in the future",
                    (e, now) -> e.getType()),
            Column.of(
                    "Reason",
                    "string",
                    "This should be a short, machine understandable string that gives the reason for the "
                            + "transition into the object's current status.",
                    (e, now) -> e.getReason()),
            Column.of("Object", "string", "The object that this event is about.", (e, now) -> target(e)),
            Column.wide(
                    "Subobject",
                    "string",
                    "If referring to a piece of an object instead of an entire object, this string should "
                            + "contain a valid JSON/Go field access statement, such as "
                            + "desiredState.manifest.containers[2].",
                    (e, now) -> e.getInvolvedObject().getFieldPath()),
            Column.wide(
                    "Source",
                    "string",
                    "The component reporting this event. Should be a short machine understandable string.",
                    (e, now) -> source(e)),
            Column.of(
                    "Message",
                    "string",
                    "A human-readable description of the status of this operation.",
                    (e, now) -> e.getMessage().strip()),
            Column.wide(
                    "First Seen",
                    "string",
                    "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
                    EventColumns::firstSeen),
            Column.wide(
                    "Count",
                    "string",
                    "The number of times this event has occurred.",
                    // kube: a string column of int64 cells; a singleton event of the new API has no count
                    (e, now) -> (long) (e.getCount() == 0 ? 1 : e.getCount())),
            Cells.name(Event::getMetadata).asWide());

    private EventColumns() {}

    private static String firstSeen(Event e, Instant now) {
        return isZero(e.getFirstTimestamp()) ? Cells.age(e.getEventTime(), now) : Cells.age(e.getFirstTimestamp(), now);
    }

    private static String lastSeen(Event e, Instant now) {
        return isZero(e.getLastTimestamp()) ? firstSeen(e, now) : Cells.age(e.getLastTimestamp(), now);
    }

    private static String target(Event e) {
        String kind = e.getInvolvedObject().getKind().toLowerCase(Locale.ROOT);
        String name = e.getInvolvedObject().getName();
        return name.isEmpty() ? kind : kind + "/" + name;
    }

    /** kube's {@code formatEventSource}: component (or reporting controller), then host (or instance). */
    private static String source(Event e) {
        String component = e.getSource().getComponent().isEmpty()
                ? e.getReportingComponent()
                : e.getSource().getComponent();
        String instance = e.getSource().getHost().isEmpty()
                ? e.getReportingInstance()
                : e.getSource().getHost();
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static boolean isZero(com.google.protobuf.Timestamp t) {
        return t.getSeconds() == 0 && t.getNanos() == 0;
    }
}
