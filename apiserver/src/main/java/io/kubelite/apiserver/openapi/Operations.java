package io.kubelite.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.Resource;
import java.util.List;

/**
 * The OpenAPI path items of one resource, as kube-apiserver publishes them: the collection
 * ({@code list}, {@code post}, {@code deletecollection}) and the item ({@code get}, {@code put},
 * {@code patch}, {@code delete}), each with kube's operationId, {@code x-kubernetes-action} and
 * {@code x-kubernetes-group-version-kind}. kubectl reads them: it sends {@code fieldValidation}
 * only when the PATCH operation of the kind lists that parameter, and computes a strategic merge
 * patch from the schema only when the PATCH operation accepts one.
 */
final class Operations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> PATCH_TYPES = List.of(
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml");
    /**
     * What a custom resource's PATCH accepts: no strategic merge patch (there is no patch metadata),
     * which is also what tells kubectl apply to send a JSON merge patch (kube's CRD builder).
     */
    static final List<String> CUSTOM_PATCH_TYPES =
            List.of("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");

    private final SchemaGenerator schemas;
    private final boolean v3;

    Operations(SchemaGenerator schemas, boolean v3) {
        this.schemas = schemas;
        this.v3 = v3;
    }

    /** Adds the resource's path items to {@code paths}; {@code definition} is its kind's schema. */
    void add(ObjectNode paths, Resource<?> r, String definition) {
        add(paths, r, definition, PATCH_TYPES);
    }

    /** As {@link #add(ObjectNode, Resource, String)}, the PATCH operation accepting {@code patchTypes}. */
    void add(ObjectNode paths, Resource<?> r, String definition, List<String> patchTypes) {
        String prefix = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
        String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
        String scope = r.namespaced() ? "Namespaced" : "";
        String id = groupVersionId(r) + scope + r.kind();

        ObjectNode coll = paths.putObject(collection);
        coll.set("get", operation(r, "list" + id, "list", definition, false, List.of()));
        coll.set("post", operation(r, "create" + id, "post", definition, true, List.of()));
        coll.set("delete", operation(r, "deletecollection" + id, "deletecollection", definition, false, List.of()));
        pathParameters(coll, r.namespaced(), false);

        ObjectNode item = paths.putObject(collection + "/{name}");
        item.set("get", operation(r, "read" + id, "get", definition, false, List.of()));
        item.set("put", operation(r, "replace" + id, "put", definition, true, List.of()));
        item.set("patch", operation(r, "patch" + id, "patch", definition, true, patchTypes));
        item.set("delete", operation(r, "delete" + id, "delete", definition, false, List.of()));
        pathParameters(item, r.namespaced(), true);
    }

    /** {@code CoreV1}, {@code AppsV1}, {@code CoordinationV1}: kube's operationId infix. */
    private static String groupVersionId(Resource<?> r) {
        String g = r.group().isEmpty() ? "core" : r.group().split("\\.")[0];
        return capitalize(g) + capitalize(r.version());
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** One operation; {@code patchTypes} is empty except for PATCH, whose body types it lists. */
    private ObjectNode operation(
            Resource<?> r, String id, String action, String definition, boolean writes, List<String> patchTypes) {
        boolean patch = !patchTypes.isEmpty();
        ObjectNode op = NODES.objectNode();
        op.put("operationId", id);
        op.putArray("tags").add(groupVersionId(r).toLowerCase().replaceFirst("v1$", "_v1"));
        op.put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind")
                .put("group", r.group())
                .put("kind", r.kind())
                .put("version", r.version());
        ArrayNode params = op.putArray("parameters");
        if (writes) {
            query(params, "dryRun", "When present, indicates that modifications should not be persisted.");
            query(
                    params,
                    "fieldManager",
                    "fieldManager is a name associated with the actor or entity that is making these changes.");
            query(
                    params,
                    "fieldValidation",
                    "fieldValidation instructs the server on how to handle objects in the request containing unknown"
                            + " or duplicate fields. Valid values are: Ignore, Warn (the default) and Strict.");
        }
        if (patch) {
            query(params, "force", "Force is going to \"force\" Apply requests.");
        }
        List<String> consumes = patch ? patchTypes : List.of("*/*");
        if (writes) {
            body(op, params, consumes, definition);
        }
        ObjectNode ok = op.putObject("responses").putObject("200").put("description", "OK");
        if (!action.equals("list") && !action.equals("deletecollection")) {
            if (v3) {
                ok.putObject("content").putObject("application/json").set("schema", schemas.ref(definition));
            } else {
                ok.set("schema", schemas.ref(definition));
            }
        }
        if (!v3) {
            ArrayNode c = op.putArray("consumes");
            consumes.forEach(c::add);
            op.putArray("produces").add("application/json").add("application/yaml");
        }
        return op;
    }

    private void body(ObjectNode op, ArrayNode params, List<String> consumes, String definition) {
        if (v3) {
            ObjectNode content =
                    op.putObject("requestBody").put("required", true).putObject("content");
            consumes.forEach(type -> content.putObject(type).set("schema", schemas.ref(definition)));
        } else {
            params.addObject()
                    .put("name", "body")
                    .put("in", "body")
                    .put("required", true)
                    .set("schema", schemas.ref(definition));
        }
    }

    private void query(ArrayNode params, String name, String description) {
        ObjectNode p = params.addObject();
        p.put("name", name).put("in", "query").put("description", description);
        if (v3) {
            p.putObject("schema").put("type", "string").put("uniqueItems", true);
        } else {
            p.put("type", "string").put("uniqueItems", true);
        }
    }

    private void pathParameters(ObjectNode item, boolean namespaced, boolean named) {
        ArrayNode params = item.putArray("parameters");
        if (named) {
            pathParameter(params, "name", "name of the object");
        }
        if (namespaced) {
            pathParameter(params, "namespace", "object name and auth scope, such as for teams and projects");
        }
    }

    private void pathParameter(ArrayNode params, String name, String description) {
        ObjectNode param = params.addObject();
        param.put("name", name)
                .put("in", "path")
                .put("description", description)
                .put("required", true);
        if (v3) {
            param.putObject("schema").put("type", "string").put("uniqueItems", true);
        } else {
            param.put("type", "string").put("uniqueItems", true);
        }
    }
}
