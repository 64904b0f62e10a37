package io.kubelite.kinds.table;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Objects;

/**
 * One column of a kind's table, as kube's {@code TableColumnDefinition} (name, type, format,
 * description, priority) plus the function that fills it (kube's printers): {@code kl get} and
 * the API server's Table output use the same definitions. Priority 0 columns are shown by
 * default, 1 only with {@code -o wide}.
 *
 * <p>A cell is what kube's printer puts in {@code TableRow.cells}: a {@link String}, or a
 * {@link Long} where the printer appends an {@code int64} (the API server writes it as a JSON
 * number; its column's type is not always {@code integer}: a Secret's DATA is a {@code string}
 * column of numbers).
 */
public record Column<T extends Message>(
        String name, String type, String format, int priority, String description, Cell<T> cell) {

    /** Computes one cell; {@code now} is the instant ages are measured against. */
    @FunctionalInterface
    public interface Cell<T> {
        /** A {@link String} or a {@link Long}. */
        Object value(T obj, Instant now);
    }

    public Column {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(format);
        Objects.requireNonNull(description);
        Objects.requireNonNull(cell);
    }

    /** A default-view column. */
    public static <T extends Message> Column<T> of(String name, String type, String description, Cell<T> cell) {
        return new Column<>(name, type, "", 0, description, cell);
    }

    /** A column shown only with {@code -o wide}. */
    public static <T extends Message> Column<T> wide(String name, String type, String description, Cell<T> cell) {
        return new Column<>(name, type, "", 1, description, cell);
    }

    /** This column with the given {@code format} ({@code name} for the object-name column). */
    public Column<T> withFormat(String f) {
        return new Column<>(name, type, f, priority, description, cell);
    }

    /** This column shown only with {@code -o wide}. */
    public Column<T> asWide() {
        return new Column<>(name, type, format, 1, description, cell);
    }

    /** This column over another type, read through {@code view} (a view kind's columns are its stored kind's). */
    public <U extends Message> Column<U> through(java.util.function.Function<U, T> view) {
        return new Column<>(name, type, format, priority, description, (o, now) -> cell.value(view.apply(o), now));
    }

    /** The cell as text, as kubectl prints it. */
    public String text(T obj, Instant now) {
        return String.valueOf(cell.value(obj, now));
    }
}
