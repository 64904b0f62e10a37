package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.Preconditions;
import java.util.List;

/**
 * A delete's options, from the DeleteOptions body and the query (the query's
 * {@code gracePeriodSeconds} wins over the body's; the body's {@code propagationPolicy}
 * over the query's): grace period
 * (null: the object's own; negative: 0), preconditions, propagation policy (null: the
 * default, Background), dry run.
 */
public record DeleteOptions(Long grace, Preconditions preconditions, String propagation, boolean dryRun) {

    /** The options of request {@code r} with body {@code body} (may be empty); 400/422 when malformed. */
    public static DeleteOptions parse(Request r, String body) {
        Long grace = null;
        String uid = "";
        String rv = "";
        String propagation = r.param("propagationPolicy");
        boolean dry = QueryOptions.dryRun(r);
        if (body != null && !body.isBlank()) {
            JsonNode n = BodyDecoder.json(body, "DeleteOptions");
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("DeleteOptions must be an object");
            }
            String kind = n.path("kind").asText("");
            if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
                throw ApiException.badRequest(
                        "the kind in the data (" + kind + ") does not match the expected kind (DeleteOptions)");
            }
            if (n.has("gracePeriodSeconds") && !n.get("gracePeriodSeconds").isNull()) {
                if (!n.get("gracePeriodSeconds").canConvertToLong()) {
                    throw ApiException.badRequest("DeleteOptions.gracePeriodSeconds: expected an integer");
                }
                grace = n.get("gracePeriodSeconds").asLong();
            }
            uid = n.path("preconditions").path("uid").asText("");
            rv = n.path("preconditions").path("resourceVersion").asText("");
            if (n.hasNonNull("propagationPolicy")) {
                propagation = n.get("propagationPolicy").asText();
            }
            if (n.has("dryRun") && n.get("dryRun").isArray() && n.get("dryRun").size() > 0) {
                dry = true;
            }
        }
        String gq = r.param("gracePeriodSeconds");
        if (gq != null && !gq.isEmpty()) {
            try {
                grace = Long.parseLong(gq);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid gracePeriodSeconds \"" + gq + "\"");
            }
        }
        if (propagation != null
                && !propagation.isEmpty()
                && !List.of("Orphan", "Background", "Foreground").contains(propagation)) {
            throw ApiException.of(
                    422,
                    "Invalid",
                    "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: " + "Unsupported value: \""
                            + propagation + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }
        if (grace != null && grace < 0) {
            grace = 0L;
        }
        return new DeleteOptions(grace, new Preconditions(uid, rv), propagation, dry);
    }
}
