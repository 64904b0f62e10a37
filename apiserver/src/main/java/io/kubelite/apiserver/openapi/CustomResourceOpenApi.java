package io.kubelite.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI parts of custom resources, as kube's CRD OpenAPI builder
 * ({@code apiextensions-apiserver/pkg/controller/openapi/builder}) makes them: per served version
 * of an established CRD, the kind's definition — the version's {@code openAPIV3Schema} with
 * {@code apiVersion}, {@code kind} and a {@code metadata} reference to ObjectMeta added and
 * {@code x-kubernetes-group-version-kind} set — and its list kind, both named
 * {@code <reversed group>.<version>.<Kind>} ({@code com.example.stable.v1.CronTab}), and the
 * resource's paths, whose PATCH accepts no strategic merge patch.
 *
 * <p>The Swagger 2.0 flavour is stripped as kube strips it for kubectl's old client-side
 * validation: value validations and {@code nullable} are dropped, and a schema that preserves
 * unknown fields at its root (or has none) is published as a bare {@code type: object}, so that
 * kubectl never refuses a field the server would keep.
 */
final class CustomResourceOpenApi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What survives in Swagger 2.0: the structure, never the value validations. */
    private static final Set<String> V2_KEYS =
            Set.of("type", "description", "title", "properties", "items", "additionalProperties", "default");

    private static final String API_VERSION_DESCRIPTION = "APIVersion defines the versioned schema of this"
            + " representation of an object. Servers should convert recognized schemas to the latest internal value,"
            + " and may reject unrecognized values. More info:"
            + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
    private static final String KIND_DESCRIPTION = "Kind is a string value representing the REST resource this"
            + " object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be"
            + " updated. In CamelCase. More info:"
            + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
    private static final String METADATA_DESCRIPTION = "Standard object's metadata. More info:"
            + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
    private static final String LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

    private CustomResourceOpenApi() {}

    /** One served version of a CRD: its resource and its schema (null when it declares none). */
    record ServedVersion(Resource<CustomObject> resource, String listKind, boolean preserveUnknown, JsonNode schema) {
        /** {@code apis/<group>/<version>}: the OpenAPI 3 document it belongs to. */
        String groupVersionPath() {
            return "apis/" + resource.group() + "/" + resource.version();
        }
    }

    /** The served versions of an established CRD, in its order; none for a CRD not (or no longer) served. */
    static List<ServedVersion> served(CustomResourceDefinition crd) {
        List<ServedVersion> out = new ArrayList<>();
        List<CustomResourceDefinitionVersion> versions = crd.getSpec().getVersionsList();
        for (Kind<CustomObject> k : CustomResourceKinds.of(crd)) {
            Resource<CustomObject> r = k.resource();
            CustomResourceDefinitionVersion v = versions.stream()
                    .filter(x -> x.getName().equals(r.version()))
                    .findFirst()
                    .orElseThrow();
            JsonNode schema = v.hasSchema() && v.getSchema().hasOpenApiv3Schema()
                    ? ApiJson.toTree(v.getSchema()).path("openAPIV3Schema")
                    : null;
            String listKind = crd.getStatus().getAcceptedNames().getListKind();
            out.add(new ServedVersion(
                    r,
                    listKind.isEmpty() ? r.kind() + "List" : listKind,
                    crd.getSpec().getPreserveUnknownFields(),
                    schema));
        }
        return out;
    }

    /** kube's definition name of a custom kind: the group reversed, the version, the kind. */
    static String definitionName(String group, String version, String kind) {
        List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
        java.util.Collections.reverse(parts);
        return String.join(".", parts) + "." + version + "." + kind;
    }

    /** Adds the version's definitions to {@code schemas} and its paths to {@code paths}. */
    static void add(ObjectNode paths, SchemaGenerator schemas, Operations operations, ServedVersion v, boolean v3) {
        Resource<CustomObject> r = v.resource();
        String name = definitionName(r.group(), r.version(), r.kind());
        schemas.put(name, kindSchema(schemas, v, v3));
        schemas.put(definitionName(r.group(), r.version(), v.listKind()), listSchema(schemas, v, name));
        operations.add(paths, r, name, Operations.CUSTOM_PATCH_TYPES);
    }

    private static ObjectNode kindSchema(SchemaGenerator schemas, ServedVersion v, boolean v3) {
        Resource<CustomObject> r = v.resource();
        ObjectNode s;
        boolean bare = v.schema() == null
                || !v3
                        && (v.preserveUnknown()
                                || v.schema()
                                        .path("x-kubernetes-preserve-unknown-fields")
                                        .asBoolean());
        if (bare) {
            // kube: no properties at all, or kubectl would refuse everything but apiVersion, kind, metadata
            s = NODES.objectNode().put("type", "object");
        } else {
            s = v3 ? v.schema().deepCopy() : v2(v.schema());
            ObjectNode props = s.has("properties") ? (ObjectNode) s.get("properties") : s.putObject("properties");
            props.set("apiVersion", string(API_VERSION_DESCRIPTION));
            props.set("kind", string(KIND_DESCRIPTION));
            props.set(
                    "metadata", described(schemas.ref(schemas.add(ObjectMeta.getDescriptor())), METADATA_DESCRIPTION));
            embedded(props, schemas, v3);
        }
        gvk(s, r.group(), r.version(), r.kind());
        return s;
    }

    /**
     * kube's addEmbeddedProperties: a nested {@code x-kubernetes-embedded-resource} object gets
     * {@code apiVersion}, {@code kind} (both required) and the ObjectMeta reference, so that
     * {@code kubectl explain} shows a pod template inside a custom resource as an object. Skipped in
     * Swagger 2.0 where the object also keeps unknown fields, as kube skips it.
     */
    private static void embedded(JsonNode node, SchemaGenerator schemas, boolean v3) {
        if (node.isObject()) {
            node.forEach(child -> embeddedSchema(child, schemas, v3));
        }
    }

    private static void embeddedSchema(JsonNode schema, SchemaGenerator schemas, boolean v3) {
        if (!(schema instanceof ObjectNode s)) {
            return;
        }
        embedded(s.path("properties"), schemas, v3);
        embeddedSchema(s.get("items"), schemas, v3);
        embeddedSchema(s.get("additionalProperties"), schemas, v3);
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        if (!s.path("x-kubernetes-embedded-resource").asBoolean() || !v3 && preserve) {
            return;
        }
        ObjectNode props = s.has("properties") ? (ObjectNode) s.get("properties") : s.putObject("properties");
        props.set("apiVersion", string(API_VERSION_DESCRIPTION));
        props.set("kind", string(KIND_DESCRIPTION));
        props.set("metadata", described(schemas.ref(schemas.add(ObjectMeta.getDescriptor())), METADATA_DESCRIPTION));
        com.fasterxml.jackson.databind.node.ArrayNode required = s.has("required")
                ? (com.fasterxml.jackson.databind.node.ArrayNode) s.get("required")
                : s.putArray("required");
        for (String r : List.of("kind", "apiVersion")) {
            boolean present = false;
            for (JsonNode x : required) {
                present |= x.asText().equals(r);
            }
            if (!present) {
                required.add(r);
            }
        }
    }

    private static ObjectNode listSchema(SchemaGenerator schemas, ServedVersion v, String itemName) {
        Resource<CustomObject> r = v.resource();
        schemas.put(LIST_META, listMeta());
        ObjectNode s = NODES.objectNode();
        s.put("description", v.listKind() + " is a list of " + r.kind());
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.set("apiVersion", string(API_VERSION_DESCRIPTION));
        ObjectNode items = props.putObject("items");
        items.put(
                "description",
                "List of " + r.plural()
                        + ". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md");
        items.put("type", "array");
        items.set("items", schemas.ref(itemName));
        props.set("kind", string(KIND_DESCRIPTION));
        props.set(
                "metadata",
                described(
                        schemas.ref(LIST_META),
                        "Standard list metadata. More info:"
                                + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"));
        s.putArray("required").add("items");
        gvk(s, r.group(), r.version(), v.listKind());
        return s;
    }

    /** meta/v1 ListMeta, which has no proto here (lists are built by the handlers, not messages). */
    private static ObjectNode listMeta() {
        ObjectNode s = NODES.objectNode();
        s.put(
                "description",
                "ListMeta describes metadata that synthetic resources must have, including lists and various status"
                        + " objects. A resource may have only one of {ObjectMeta, ListMeta}.");
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.set("continue", string("continue may be set if the user set a limit on the number of items returned."));
        props.putObject("remainingItemCount")
                .put("description", "remainingItemCount is the number of subsequent items in the list.")
                .put("type", "integer")
                .put("format", "int64");
        props.set(
                "resourceVersion",
                string("String that identifies the server's internal version of this object that can be used by"
                        + " clients to determine when objects have changed."));
        props.set("selfLink", string("Deprecated: selfLink is a legacy read-only field that is no longer populated."));
        return s;
    }

    /** The Swagger 2.0 form of a schema node: its structure and descriptions, recursively. */
    private static ObjectNode v2(JsonNode schema) {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("x-kubernetes-") && !key.equals("x-kubernetes-int-or-string")) {
                out.set(key, value);
            } else if (!V2_KEYS.contains(key)) {
                continue;
            } else if (key.equals("properties")) {
                ObjectNode props = out.putObject("properties");
                value.properties().forEach(p -> props.set(p.getKey(), v2(p.getValue())));
            } else if ((key.equals("items") || key.equals("additionalProperties")) && value.isObject()) {
                out.set(key, v2(value));
            } else {
                out.set(key, value);
            }
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            out.remove("type"); // an int or a string: Swagger 2.0 cannot say so, so it says nothing
        }
        return out;
    }

    private static ObjectNode string(String description) {
        return NODES.objectNode().put("description", description).put("type", "string");
    }

    private static ObjectNode described(ObjectNode ref, String description) {
        return ref.put("description", description);
    }

    private static void gvk(ObjectNode s, String group, String version, String kind) {
        s.putArray("x-kubernetes-group-version-kind")
                .addObject()
                .put("group", group)
                .put("kind", kind)
                .put("version", version);
    }
}
