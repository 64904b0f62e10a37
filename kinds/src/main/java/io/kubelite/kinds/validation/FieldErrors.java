package io.kubelite.kinds.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the field errors of one validation pass with kube-apiserver's reasons and
 * wording ({@code k8s.io/apimachinery/pkg/util/validation/field}). Not thread-safe: one
 * instance per request.
 */
public final class FieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    public void required(String field) {
        errors.add(new FieldError("FieldValueRequired", "Required value", field));
    }

    public void required(String field, String detail) {
        errors.add(new FieldError("FieldValueRequired", "Required value: " + detail, field));
    }

    public void invalid(String field, Object value, String detail) {
        errors.add(new FieldError("FieldValueInvalid", "Invalid value: " + render(value) + ": " + detail, field));
    }

    public void forbidden(String field, String detail) {
        errors.add(new FieldError("FieldValueForbidden", "Forbidden: " + detail, field));
    }

    public void notSupported(String field, String value, List<String> supported) {
        StringBuilder b = new StringBuilder();
        for (String s : supported) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(s).append('"');
        }
        errors.add(new FieldError(
                "FieldValueNotSupported", "Unsupported value: \"" + value + "\": supported values: " + b, field));
    }

    /** kube's {@code field.NotFound}: a reference to something that does not exist. */
    public void notFound(String field, String value) {
        errors.add(new FieldError("FieldValueNotFound", "Not found: \"" + value + "\"", field));
    }

    public void duplicate(String field, String value) {
        errors.add(new FieldError("FieldValueDuplicate", "Duplicate value: \"" + value + "\"", field));
    }

    /** A duplicate whose value is already rendered as kube prints it (a Go map, a JSON number). */
    public void duplicateRendered(String field, String rendered) {
        errors.add(new FieldError("FieldValueDuplicate", "Duplicate value: " + rendered, field));
    }

    /** Adds every error of {@code other}. */
    public void addAll(FieldErrors other) {
        errors.addAll(other.errors);
    }

    public void duplicate(String field, long value) {
        errors.add(new FieldError("FieldValueDuplicate", "Duplicate value: " + value, field));
    }

    /** kube's {@code field.TooMany}: a list with more than {@code max} items. */
    public void tooMany(String field, int actual, int max) {
        errors.add(new FieldError(
                "FieldValueTooMany", "Too many: " + actual + ": must have at most " + max + " items", field));
    }

    /** kube's {@code field.Invalid} with {@code field.OmitValueType{}}: the message names no value. */
    public void invalidNoValue(String field, String detail) {
        errors.add(new FieldError("FieldValueInvalid", "Invalid value: " + detail, field));
    }

    public void tooLong(String field, int max) {
        errors.add(new FieldError("FieldValueTooLong", "Too long: must have at most " + max + " bytes", field));
    }

    /** kube's {@code field.TooLongMaxLength}: a string longer than {@code max} characters. */
    public void tooLongMaxLength(String field, int max) {
        errors.add(new FieldError("FieldValueTooLong", "Too long: may not be longer than " + max, field));
    }

    /** Adds {@code invalid(field, value, err)} when {@code err} (a {@link Names} check's answer) is not null. */
    public void invalidIf(String field, Object value, String err) {
        if (err != null) {
            invalid(field, value, err);
        }
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }

    private static String render(Object v) {
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(v);
    }
}
