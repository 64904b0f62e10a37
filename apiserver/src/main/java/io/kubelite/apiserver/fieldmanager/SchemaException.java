package io.kubelite.apiserver.fieldmanager;

/**
 * A value server-side apply cannot type: a field its type does not declare, or an element of
 * a keyed list without its key. The message names the path ({@code .spec.foo: ...}).
 */
public final class SchemaException extends RuntimeException {
    SchemaException(String message) {
        super(message, null, false, false);
    }
}
