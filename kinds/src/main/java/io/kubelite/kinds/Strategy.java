package io.kubelite.kinds;

import com.google.protobuf.Message;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;

/**
 * What differs between kinds when objects are written, as kube's REST strategies
 * ({@code RESTCreateStrategy}, {@code RESTUpdateStrategy}, {@code RESTDeleteStrategy}).
 * The API server calls, on create: {@link #defaults}, {@link #prepareForCreate},
 * {@link #validate}; on update: {@link #prepareForUpdate}, {@link #defaults},
 * {@link #validate}, {@link #validateUpdate}. Implementations are stateless and
 * thread-safe; every default is "nothing special".
 */
public interface Strategy<T extends Message> {

    /** Scheme defaulting, applied to every written object (create and update). */
    default T defaults(T obj) {
        return obj;
    }

    /** Create-time preparation after {@link #defaults}: status reset, admission defaults. */
    default T prepareForCreate(T obj) {
        return obj;
    }

    /**
     * Update through the main resource: what the client may not change there (e.g. the
     * status, which has its own subresource) is taken from {@code old}.
     */
    default T prepareForUpdate(T obj, T old) {
        return obj;
    }

    /** Null when {@code name} is a valid object name for the kind, else kube's message. */
    default String nameError(String name) {
        return Names.dns1123SubdomainError(name);
    }

    /** The kind's own checks of a created or updated object (metadata is checked generically). */
    default void validate(T obj, FieldErrors errs) {}

    /** Immutable fields and other update-only rules, {@code old} being the stored object. */
    default void validateUpdate(T obj, T old, FieldErrors errs) {}

    /** Warnings returned to the client with a successful create (kube's {@code WarningsOnCreate}). */
    default List<String> warningsOnCreate(T obj) {
        return List.of();
    }

    /** Who finishes a deletion. */
    default DeletionStyle deletion() {
        return DeletionStyle.IMMEDIATE;
    }

    /** Whether a DELETE answers with the deleted object (true) or a Status (false), as kube's {@code ReturnDeletedObject}. */
    default boolean returnDeletedObject() {
        return false;
    }
}
