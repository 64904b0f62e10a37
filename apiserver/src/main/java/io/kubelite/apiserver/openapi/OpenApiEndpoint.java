package io.kubelite.apiserver.openapi;

import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Request;

/**
 * Serves {@code /openapi/v2}, {@code /openapi/v3} and {@code /openapi/v3/<group version>} from
 * documents generated beforehand (at start-up, and off the event loop when the CRDs change, see
 * {@link LiveOpenApiDocuments}), so answering never computes anything on the event loop.
 * Each answer carries an ETag (the document's hash); a matching {@code If-None-Match} is a 304.
 *
 * <p>Only JSON is served. kube-apiserver also serves the Swagger 2.0 document as protobuf
 * (gnostic's {@code openapi_v2.Document}); a client that accepts only that gets 406 Not
 * Acceptable, as kube-apiserver answers a media type it cannot produce. kubectl 1.32 asks for
 * OpenAPI 3 for everything it does by default (apply, edit, diff, explain, field validation), so
 * only its fallbacks ({@code explain --output plaintext-openapiv2}) meet the 406.
 */
public final class OpenApiEndpoint {
    private static final String PREFIX_V3 = "/openapi/v3/";

    private final java.util.function.Supplier<OpenApiDocuments> documents;

    /** Answers from {@code documents.get()}, read once per request. */
    public OpenApiEndpoint(java.util.function.Supplier<OpenApiDocuments> documents) {
        this.documents = documents;
    }

    /** Answers {@code path} when it is an OpenAPI path; false when it is not. */
    public boolean serve(Request r, String path) {
        if (path.equals("/openapi/v2")) {
            if (!acceptsJson(r.http().getHeader("Accept"))) {
                throw ApiException.of(
                        406, "NotAcceptable", "only the following media types are accepted: application/json");
            }
            send(r, documents.get().v2());
            return true;
        }
        if (path.equals("/openapi/v3")) {
            send(r, documents.get().v3Index());
            return true;
        }
        if (path.startsWith(PREFIX_V3)) {
            OpenApiDocuments.Document doc = documents.get().v3(path.substring(PREFIX_V3.length()));
            if (doc == null) {
                throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
            }
            send(r, doc);
            return true;
        }
        return false;
    }

    /** True unless the Accept header names media types and JSON is none of them. */
    static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim().toLowerCase();
            if (type.equals("application/json") || type.equals("application/*") || type.equals("*/*")) {
                return true;
            }
        }
        return false;
    }

    private static void send(Request r, OpenApiDocuments.Document doc) {
        String etag = "\"" + doc.hash() + "\"";
        r.http().response().putHeader("ETag", etag);
        if (etag.equals(r.http().getHeader("If-None-Match"))) {
            r.http().response().setStatusCode(304).end();
            return;
        }
        r.bytes(200, doc.bytes());
    }
}
