package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;

/** The patch formats the API server applies, by request Content-Type. */
public enum PatchType {
    /** {@code application/json-patch+json} (RFC 6902). */
    JSON,
    /** {@code application/merge-patch+json} (RFC 7386). */
    MERGE,
    /** {@code application/strategic-merge-patch+json}: kube's merge keys and directives. */
    STRATEGIC,
    /** {@code application/apply-patch+yaml}: server-side apply ({@link ApplyHandler}). */
    APPLY;

    /** The request's patch type; 415 UnsupportedMediaType for any other Content-Type. */
    public static PatchType of(Request r) {
        String ct = r.http().getHeader("Content-Type");
        String type = ct == null ? "" : ct.split(";")[0].trim().toLowerCase();
        return switch (type) {
            case "application/json-patch+json" -> JSON;
            case "application/merge-patch+json" -> MERGE;
            case "application/strategic-merge-patch+json" -> STRATEGIC;
            case "application/apply-patch+yaml" -> APPLY;
            default ->
                throw ApiException.of(
                        415,
                        "UnsupportedMediaType",
                        "the body of the request was in an unknown "
                                + "format - accepted media types include: application/json-patch+json, "
                                + "application/merge-patch+json, application/strategic-merge-patch+json, "
                                + "application/apply-patch+yaml");
        };
    }

    /**
     * {@code patch} applied to {@code target}, an object of {@code type} (whose field options say
     * how a strategic merge patch merges its lists); the merge patches change {@code target} in
     * place.
     */
    public JsonNode apply(JsonNode target, JsonNode patch, Descriptor type) {
        return switch (this) {
            case JSON -> Patches.jsonPatch(target, patch);
            case MERGE -> Patches.merge(target, patch);
            case STRATEGIC -> Patches.strategicMerge(target, patch, type);
            case APPLY -> throw new IllegalStateException("an apply patch is not applied as a patch");
        };
    }
}
