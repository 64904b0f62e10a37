package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ApiJsonException;
import io.kubelite.apiserver.fieldmanager.ApplyConflictException;
import io.kubelite.apiserver.fieldmanager.FieldManager;
import io.kubelite.apiserver.fieldmanager.SchemaException;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.ConflictException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Server-side apply: {@code PATCH} with {@code application/apply-patch+yaml}. The body is the
 * applier's whole intent for the object (apiVersion, kind, name and the fields it manages);
 * {@link FieldManager#apply} merges it into the stored object, or creates the object when
 * there is none (201). {@code fieldManager} is required, {@code force=true} takes fields
 * from their other managers instead of answering 409 Conflict, {@code dryRun=All} writes
 * nothing. A field the type does not declare is a 400 whatever {@code fieldValidation} says,
 * as in kube (the configuration must be typed to be merged).
 */
final class ApplyHandler<T extends Message> {
    private final RequestScope<T> s;
    private final UpdateHandler<T> updates;
    private final Request r;

    ApplyHandler(RequestScope<T> s, UpdateHandler<T> updates) {
        this.s = s;
        this.updates = updates;
        this.r = s.request();
    }

    void apply(String body) {
        String manager = FieldOwnership.manager(r, true);
        boolean force = force();
        FieldValidation.of(r, "PatchOptions");
        ObjectNode config = config(body);
        FieldOwnership<T> ownership = new FieldOwnership<>(s);
        FieldManager fm = ownership.fieldManager();
        boolean dry = QueryOptions.dryRun(r);
        String name = s.name();
        s.then(
                s.store().get(s.namespace(), name).handle((cur, err) -> {
                    if (err == null) {
                        return Optional.of(cur);
                    }
                    if (StoreException.unwrap(err) instanceof NotFoundException) {
                        return Optional.<T>empty();
                    }
                    throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                }),
                name,
                found -> {
                    if (found.isEmpty() && s.subresource() != null) {
                        throw ApiException.notFound(s.resource(), name);
                    }
                    if (found.isEmpty()) {
                        FieldManager.Applied a = guarded(() -> fm.apply(null, config, List.of(), manager, force));
                        T obj = decode(a.object());
                        CreateHandler.create(s, obj, next -> ownership.withManagers(next, a.managers()));
                        return;
                    }
                    updates.write(
                            Preconditions.NONE,
                            cur -> {
                                checkResourceVersion(config, cur);
                                FieldManager.Applied a = guarded(() -> fm.apply(
                                        s.representation().typedTree(cur),
                                        config,
                                        ownership.stored(cur),
                                        manager,
                                        force));
                                if (!a.objectChanged()) {
                                    return ownership.withManagers(cur, a.managers());
                                }
                                return ownership.withManagers(updates.prepare(cur, decode(a.object())), a.managers());
                            },
                            dry);
                });
    }

    private boolean force() {
        String f = r.http().getParam("force");
        if (f == null || f.isEmpty() || f.equals("false")) {
            return false;
        }
        if (f.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("force: invalid boolean \"" + f + "\"");
    }

    /** The applied configuration: one YAML or JSON object of the served kind and version, named as the URL. */
    private ObjectNode config(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        List<JsonNode> docs;
        try {
            docs = ApiJson.requestDocuments(body);
        } catch (ApiJsonException e) {
            throw ApiException.badRequest("error decoding YAML: " + e.getMessage());
        }
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw ApiException.badRequest("an apply patch must be exactly one object, found "
                    + (docs.size() == 1
                            ? docs.get(0).getNodeType().toString().toLowerCase()
                            : docs.size() + " documents"));
        }
        ObjectNode config = (ObjectNode) docs.get(0);
        String expected = s.served().apiVersion();
        String version = config.path("apiVersion").asText("");
        if (!version.equals(expected)) {
            throw ApiException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + version + ", expected: " + expected);
        }
        String kind = config.path("kind").asText("");
        if (!kind.equals(s.served().kind())) {
            throw ApiException.badRequest(
                    kind.isEmpty()
                            ? "Object 'Kind' is missing in apply patch"
                            : "Incorrect kind specified in apply patch. Specified patch kind: " + kind + ", expected: "
                                    + s.served().kind());
        }
        JsonNode meta = config.path("metadata");
        if (!meta.isMissingNode() && !meta.isObject()) {
            throw ApiException.badRequest("metadata must be an object in an apply patch");
        }
        if (meta.has("managedFields") && !meta.get("managedFields").isNull()) {
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
        String n = meta.path("name").asText("");
        if (!n.isEmpty() && !n.equals(s.name())) {
            throw ApiException.badRequest(
                    "the name of the object (" + n + ") does not match the name on the URL (" + s.name() + ")");
        }
        String ns = meta.path("namespace").asText("");
        if (!ns.isEmpty() && s.resource().namespaced() && !ns.equals(s.namespace())) {
            throw ApiException.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request");
        }
        ObjectNode m = meta.isObject() ? (ObjectNode) meta : config.putObject("metadata");
        m.put("name", s.name());
        return config;
    }

    private void checkResourceVersion(ObjectNode config, T cur) {
        String rv = config.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(s.resource().meta(cur).getResourceVersion())) {
            throw ApiException.from(
                    new ConflictException(
                            s.store().key(s.namespace(), s.name()),
                            "Operation cannot be fulfilled on " + s.resource().plural() + " \"" + s.name()
                                    + "\": the object has been modified; please apply your changes to the latest version and try again",
                            null,
                            0),
                    s.resource(),
                    s.name());
        }
    }

    private T decode(ObjectNode merged) {
        BodyDecoder.Decoded<T> d = s.representation().decodeTree(merged);
        return d.object();
    }

    /** Runs the field manager, turning its refusals into kube's Status answers. */
    private FieldManager.Applied guarded(java.util.function.Supplier<FieldManager.Applied> fn) {
        try {
            return fn.get();
        } catch (ApplyConflictException e) {
            List<FieldError> causes = new ArrayList<>();
            e.conflicts()
                    .forEach(c -> causes.add(new FieldError(
                            "FieldManagerConflict",
                            "conflict with " + c.manager().describe(),
                            c.field())));
            throw new ApiException(409, "Conflict", e.getMessage(), null, null, null, causes, null);
        } catch (SchemaException e) {
            String gv = s.served().group().isEmpty()
                    ? "/" + s.served().version()
                    : s.served().apiVersion();
            String key = s.resource().namespaced() ? s.namespace() + "/" + s.name() : s.name();
            throw ApiException.badRequest("failed to create typed patch object (" + key + "; " + gv + ", Kind="
                    + s.served().kind() + "): " + e.getMessage());
        }
    }
}
