package io.kubelite.kinds.validation;

import io.kubelite.api.ObjectMeta;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * kube's {@code ValidateObjectMeta}: name or generateName, namespace by scope, label and
 * annotation syntax, the annotation size limit. The name rule is the kind's
 * ({@link io.kubelite.kinds.Strategy#nameError}).
 */
public final class ObjectMetaValidation {
    private static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private ObjectMetaValidation() {}

    /** Validates {@code m}; {@code nameError} answers null for a valid name, else why not. */
    public static void validate(ObjectMeta m, boolean namespaced, UnaryOperator<String> nameError, FieldErrors errs) {
        if (m.getName().isEmpty()) {
            if (m.getGenerateName().isEmpty()) {
                errs.required("metadata.name", "name or generateName is required");
            } else {
                String prefix = m.getGenerateName();
                // kube validates the prefix as a name with its trailing '-' masked
                String masked = prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
                errs.invalidIf("metadata.generateName", prefix, nameError.apply(masked));
            }
        } else {
            errs.invalidIf("metadata.name", m.getName(), nameError.apply(m.getName()));
        }
        if (namespaced) {
            if (m.getNamespace().isEmpty()) {
                errs.required("metadata.namespace");
            } else {
                errs.invalidIf("metadata.namespace", m.getNamespace(), Names.dns1123LabelError(m.getNamespace()));
            }
        }
        for (Map.Entry<String, String> e : m.getLabelsMap().entrySet()) {
            errs.invalidIf("metadata.labels", e.getKey(), Names.qualifiedNameError(e.getKey()));
            errs.invalidIf("metadata.labels", e.getValue(), Names.labelValueError(e.getValue()));
        }
        long total = 0;
        for (Map.Entry<String, String> e : m.getAnnotationsMap().entrySet()) {
            errs.invalidIf(
                    "metadata.annotations",
                    e.getKey(),
                    Names.qualifiedNameError(e.getKey().toLowerCase(Locale.ROOT)));
            total += e.getKey().length() + e.getValue().length();
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.tooLong("metadata.annotations", TOTAL_ANNOTATION_SIZE_LIMIT);
        }
    }

    /** kube's {@code ValidateObjectMetaUpdate}: what may not change between {@code old} and {@code m}. */
    public static void validateUpdate(ObjectMeta m, ObjectMeta old, FieldErrors errs) {
        if (!old.getUid().equals(m.getUid())) {
            errs.invalid("metadata.uid", m.getUid(), "field is immutable");
        }
    }
}
