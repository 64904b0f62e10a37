package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ApiJsonException;
import io.kubelite.api.DocumentLimits;
import io.kubelite.api.Parsed;
import io.kubelite.api.TypeMeta;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import java.util.List;
import java.util.function.Function;

/**
 * Decodes a request body (JSON or YAML, one document) as one expected type, in one step:
 * the text is read into a tree once, the tree's {@code apiVersion} and {@code kind} are
 * checked against the expected ones, and the same tree is bound to the typed message.
 * Every failure is a 400 with kube-apiserver's wording. Unknown and duplicate fields are
 * dropped and, as the request's {@link FieldValidation} says, come back as warnings (the
 * default), fail the request (Strict) or are ignored ({@link FieldProblems} words them).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <M> the message type the body must hold
 */
public final class BodyDecoder<M extends Message> {
    /** A decoded body: its type fields, the typed object, and one warning per unknown or duplicate field. */
    public record Decoded<M>(TypeMeta typeMeta, M object, List<String> warnings) {}

    private final M prototype;
    private final String kind;
    private final String apiVersion;
    /** The fields the type's schema does not know beyond what binding finds (a custom resource's). */
    private final Function<JsonNode, List<String>> schemaUnknown;

    public BodyDecoder(M prototype, String kind, String apiVersion) {
        this(prototype, kind, apiVersion, doc -> List.of());
    }

    private BodyDecoder(M prototype, String kind, String apiVersion, Function<JsonNode, List<String>> schemaUnknown) {
        this.prototype = prototype;
        this.kind = kind;
        this.apiVersion = apiVersion;
        this.schemaUnknown = schemaUnknown;
    }

    /**
     * A decoder for objects of {@code r}, as its create and update bodies hold them. A custom
     * resource's unknown fields are those its version's schema would prune, as kube reports them.
     */
    public static <T extends Message> BodyDecoder<T> of(Resource<T> r) {
        if (r.custom()) {
            Kind<T> kind = Kinds.of(r);
            return new BodyDecoder<>(
                    r.prototype(), r.kind(), r.apiVersion(), doc -> CustomResourceKinds.unknownFields(kind, doc));
        }
        return new BodyDecoder<>(r.prototype(), r.kind(), r.apiVersion());
    }

    /** Decodes request text: exactly one JSON or YAML document of the expected type. */
    public Decoded<M> decode(String text) {
        return decode(text, FieldValidation.WARN);
    }

    /** {@link #decode(String)}, with unknown and duplicate fields handled as {@code validation} says. */
    public Decoded<M> decode(String text, FieldValidation validation) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        List<JsonNode> docs;
        try {
            docs = ApiJson.requestDocuments(text);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest("error decoding the request body: " + e.getMessage());
        }
        if (docs.size() != 1) {
            throw ApiException.badRequest("expected exactly one object in the request body, found " + docs.size());
        }
        Bound<M> b = bind(docs.get(0));
        return decoded(b, FieldProblems.ofObject(text, b.parsed().unknownFields()), validation);
    }

    /** Decodes a document already in tree form (a patched object); unknown fields are warnings. */
    public Decoded<M> decodeTree(JsonNode doc) {
        Bound<M> b = bind(doc);
        return new Decoded<>(b.typeMeta(), b.parsed().message(), b.parsed().warnings());
    }

    /**
     * Decodes the object a patch produced: the patch's own problems ({@code patchText} of
     * {@code type}, see {@link FieldProblems#ofPatch}) and the object's unknown fields handled as
     * {@code validation} says.
     */
    public Decoded<M> decodePatched(JsonNode doc, PatchType type, String patchText, FieldValidation validation) {
        Bound<M> b = bind(doc);
        return decoded(b, FieldProblems.ofPatch(type, patchText, b.parsed().unknownFields()), validation);
    }

    private record Bound<M extends Message>(TypeMeta typeMeta, Parsed<M> parsed) {}

    private Decoded<M> decoded(Bound<M> b, FieldProblems problems, FieldValidation validation) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return new Decoded<>(b.typeMeta(), b.parsed().message(), validation.warnings(problems, kind, version));
    }

    private Bound<M> bind(JsonNode doc) {
        TypeMeta tm;
        try {
            tm = TypeMeta.of(doc);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest("error decoding the request body: " + e.getMessage());
        }
        if (!tm.apiVersion().isEmpty() && !tm.apiVersion().equals(apiVersion)) {
            throw ApiException.badRequest("the API version in the data (" + tm.apiVersion()
                    + ") does not match the expected API version (" + apiVersion + ")");
        }
        if (!tm.kind().isEmpty() && !tm.kind().equals(kind)) {
            throw ApiException.badRequest(
                    "the kind in the data (" + tm.kind() + ") does not match the expected kind (" + kind + ")");
        }
        try {
            Parsed<M> parsed = ApiJson.parse(doc, prototype);
            List<String> unknown = schemaUnknown.apply(doc);
            if (!unknown.isEmpty()) {
                List<String> all = new java.util.ArrayList<>(parsed.unknownFields());
                all.addAll(unknown);
                parsed = new Parsed<>(parsed.message(), all);
            }
            return new Bound<>(tm, parsed);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest(kind + " in version \"" + apiVersion.substring(apiVersion.indexOf('/') + 1)
                    + "\" cannot be handled as a " + kind + ": " + e.getMessage());
        }
    }

    /**
     * Reads a body that is JSON only and not an API object (a patch, a Scale, DeleteOptions);
     * a syntax error is a 400 "error decoding {@code what}: ...", as is a text over
     * {@link DocumentLimits} (worded by them). Returns Jackson's tree as is: a missing node
     * for empty text.
     */
    public static JsonNode json(String text, String what) {
        try {
            return Codec.MAPPER.readTree(text);
        } catch (Exception e) {
            String limit = DocumentLimits.describe(e);
            throw ApiException.badRequest("error decoding " + what + ": " + (limit != null ? limit : e.getMessage()));
        }
    }
}
