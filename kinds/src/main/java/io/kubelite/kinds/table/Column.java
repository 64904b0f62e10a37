package io.kubelite.kinds.table;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Objects;

/**
 * One column of a kind's table, as kube's {@code TableColumnDefinition} plus the function
 * that fills it (kube's printers): {@code kl get} and the API server's Table output use the
 * same definitions. Priority 0 columns are shown by default, 1 only with {@code -o wide}.
 */
public record Column<T extends Message>(String name, String type, int priority, String description, Cell<T> cell) {

    /** Computes one cell; {@code now} is the instant ages are measured against. */
    @FunctionalInterface
    public interface Cell<T> {
        String value(T obj, Instant now);
    }

    public Column {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(cell);
    }

    /** A default-view column. */
    public static <T extends Message> Column<T> of(String name, String type, String description, Cell<T> cell) {
        return new Column<>(name, type, 0, description, cell);
    }

    /** A column shown only with {@code -o wide}. */
    public static <T extends Message> Column<T> wide(String name, String type, String description, Cell<T> cell) {
        return new Column<>(name, type, 1, description, cell);
    }
}
