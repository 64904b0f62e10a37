package io.kubelite.kinds.validation;

/**
 * One invalid field, as kube's {@code field.Error}: {@code reason} is the
 * {@code StatusCause} reason ({@code FieldValueInvalid}, ...), {@code message} the
 * human text kube-apiserver prints ({@code Invalid value: "x": must be ...}) and
 * {@code field} the JSON path ({@code spec.containers[0].name}).
 */
public record FieldError(String reason, String message, String field) {}
