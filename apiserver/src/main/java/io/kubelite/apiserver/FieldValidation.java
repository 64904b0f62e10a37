package io.kubelite.apiserver;

import java.util.List;

/**
 * The {@code fieldValidation} query parameter of create, update and patch: what the unknown and
 * duplicate fields of a body do. {@code Strict} fails the request with a 400 naming every one,
 * {@code Warn} (the default) answers one {@code Warning} header each, {@code Ignore} says nothing;
 * the fields are dropped in every case.
 */
public enum FieldValidation {
    STRICT,
    WARN,
    IGNORE;

    /**
     * The request's directive; a value other than Strict, Warn or Ignore is a 422 as kube
     * answers it, naming the options type of the verb ({@code CreateOptions}, ...).
     */
    public static FieldValidation of(Request r, String optionsKind) {
        String v = r.http().getParam("fieldValidation");
        if (v == null || v.isEmpty()) {
            return WARN;
        }
        return switch (v) {
            case "Strict" -> STRICT;
            case "Warn" -> WARN;
            case "Ignore" -> IGNORE;
            default ->
                throw ApiException.of(
                        422,
                        "Invalid",
                        optionsKind + ".meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"" + v
                                + "\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
        };
    }

    /**
     * The warnings to answer for {@code problems} found decoding an object of {@code kind} in
     * {@code version}; for Strict with any problem, the 400 kube answers instead.
     */
    List<String> warnings(FieldProblems problems, String kind, String version) {
        if (problems.isEmpty() || this == IGNORE) {
            return List.of();
        }
        if (this == STRICT) {
            throw ApiException.badRequest(kind + " in version \"" + version + "\" cannot be handled as a " + kind
                    + ": strict decoding error: " + problems.strictMessage());
        }
        return problems.warnings();
    }
}
