package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.validation.FieldError;

import java.util.List;

/**
 * kube's {@code rest.BeforeCreate} and {@code rest.BeforeUpdate}: runs a kind's strategy
 * over an object about to be written and turns its field errors into a 422 Invalid.
 */
final class BeforeWrite {
    private BeforeWrite() {
    }

    /** Defaults, prepares and validates a new object; throws {@link ApiException} 422 when invalid. */
    static <T extends Message> T create(Kind<T> kind, T obj) {
        T out = kind.strategy().prepareForCreate(kind.strategy().defaults(obj));
        throwIfInvalid(kind, out, kind.validateCreate(out));
        return out;
    }

    /** Prepares, defaults and validates {@code obj} replacing {@code old} through the main resource. */
    static <T extends Message> T update(Kind<T> kind, T obj, T old) {
        return kind.strategy().defaults(kind.strategy().prepareForUpdate(obj, old));
    }

    /** Validates an update whose object is final (generation and metadata settled). */
    static <T extends Message> void validateUpdate(Kind<T> kind, T obj, T old) {
        throwIfInvalid(kind, obj, kind.validateUpdate(obj, old));
    }

    private static <T extends Message> void throwIfInvalid(Kind<T> kind, T obj, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            var m = kind.resource().meta(obj);
            throw ApiException.invalid(kind.resource(), m.getName().isEmpty() ? m.getGenerateName() : m.getName(),
                    errors);
        }
    }
}
